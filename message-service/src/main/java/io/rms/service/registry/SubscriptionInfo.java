package io.rms.service.registry;

import io.rms.recovery.ExponentialBackoff;
import java.time.Duration;
import java.time.Instant;

/**
 * An immutable view of a subscription for the hot path.
 *
 * @param mode how its deliveries reach the consumer
 * @param push where and how fast pushes go; null unless {@code mode} is PUSH
 * @param pause when, by whom and why it was paused (nothing is sent until resumed); null while it
 *     is not
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
    DeliveryMode mode,
    PushSettings push,
    Pause pause) {

  /** A pause: since when, by whom ({@code system} for a push circuit open too long), why. */
  public record Pause(Instant at, String by, String reason) {}

  /** True while paused: deliveries are created, none is sent. */
  public boolean paused() {
    return pause != null;
  }

  /** True when the service publishes its deliveries now: a queue-based mode, not paused. */
  public boolean publishes() {
    return mode.usesQueue() && !paused();
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
        s.getDeliveryMode(),
        s.getPush(),
        s.getPausedAt() == null
            ? null
            : new Pause(s.getPausedAt(), s.getPausedBy(), s.getPauseReason()));
  }
}
