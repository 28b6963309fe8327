package io.rms.recovery;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The redelivery sweep's view of the delivery store and the broker. Claims use {@code FOR UPDATE
 * SKIP LOCKED} and lease the rows (push {@code next_attempt_at} forward) before the claiming
 * transaction commits, so concurrent instances never claim the same delivery; every change is a
 * compare-and-set on status and attempts, so an ack that arrives meanwhile wins.
 */
public interface RedeliveryPort {

  /** Claims up to {@code limit} PUBLISHED deliveries whose ack deadline passed, leased. */
  List<DeliveryKey> claimOverdue(int limit, Duration lease);

  /** Claims up to {@code limit} SCHEDULED deliveries that are due, leased. */
  List<DeliveryKey> claimDue(int limit, Duration lease);

  /** The subscription's limits, empty if it no longer exists. */
  Optional<DeliveryPolicy> policy(String subscription);

  /**
   * PUBLISHED → SCHEDULED after an ack timeout, due after each one's delay, with an {@code
   * ACK_TIMEOUT} event. Returns how many changed.
   */
  int retryLater(List<Retry> retries);

  /** PUBLISHED → DEAD (attempts used up) with a {@code DEAD} event. Returns how many changed. */
  int bury(List<DeliveryKey> dead, String reason);

  /**
   * Publishes the claimed deliveries with attempt {@link DeliveryKey#nextAttempt()}; asynchronous.
   * A failed publish keeps the delivery SCHEDULED and consumes no attempt.
   */
  void publish(List<DeliveryKey> due);

  /** Publishes handed to the broker whose outcome is not yet recorded. */
  int inFlight();

  /** A redelivery after an ack timeout. */
  record Retry(DeliveryKey delivery, Duration delay) {}

  /** A subscription's redelivery limits. */
  record DeliveryPolicy(int maxAttempts, Backoff backoff) {}
}
