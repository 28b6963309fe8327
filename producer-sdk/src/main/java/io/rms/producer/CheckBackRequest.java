package io.rms.producer;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The service asks whether the local transaction of a PREPARED message committed (docs/design.md
 * §8). A resolver that answers from the application's business rows finds them by what the sender
 * gave in {@link SendOptions}: the {@code businessKey} (e.g. the order id) or the {@code
 * producerMessageId}; {@code preparedAt} bounds when the transaction began (it prepared inside it).
 *
 * @param messageId the message
 * @param producerMessageId its idempotency key (the sender's, or a random UUID the SDK chose)
 * @param topic its topic
 * @param businessKey its business key, null if the sender gave none
 * @param preparedAt when the service stored it (the service's clock)
 * @param checkCount how many times it has been checked back before
 */
public record CheckBackRequest(
    UUID messageId,
    String producerMessageId,
    String topic,
    String businessKey,
    Instant preparedAt,
    int checkCount) {

  /**
   * True when the message was prepared more than {@code age} before {@code now}. With {@code age}
   * the longest the local transaction can run (plus clock skew), the transaction has ended by then:
   * committed, or never will. False when {@code preparedAt} is unknown.
   */
  public boolean olderThan(Duration age, Instant now) {
    return preparedAt != null && preparedAt.plus(age).isBefore(now);
  }
}
