package io.rms.service.registry;

import io.rms.recovery.ExponentialBackoff;
import java.time.Duration;

/**
 * An immutable view of a subscription for the hot path.
 *
 * @param backfillFrom the start of the history it was created to receive (a backfill); or null
 */
public record SubscriptionInfo(
    String name,
    String topic,
    String app,
    String queue,
    Duration ackTimeout,
    int maxAttempts,
    ExponentialBackoff backoff,
    boolean ordered,
    boolean active,
    java.time.Instant backfillFrom) {

  /** A subscription without a backfill. */
  public SubscriptionInfo(
      String name,
      String topic,
      String app,
      String queue,
      Duration ackTimeout,
      int maxAttempts,
      ExponentialBackoff backoff,
      boolean ordered,
      boolean active) {
    this(name, topic, app, queue, ackTimeout, maxAttempts, backoff, ordered, active, null);
  }

  static SubscriptionInfo of(Subscription s) {
    return new SubscriptionInfo(
        s.getName(),
        s.getTopic(),
        s.getAppId(),
        s.getQueue(),
        Duration.ofMillis(s.getAckTimeoutMs()),
        s.getMaxAttempts(),
        new ExponentialBackoff(
            Duration.ofMillis(s.getBackoffInitialMs()),
            s.getBackoffMultiplier(),
            Duration.ofMillis(s.getBackoffMaxMs())),
        s.isOrdered(),
        s.isActive(),
        s.getBackfillFrom());
  }
}
