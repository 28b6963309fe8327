package io.rms.service.dashboard;

import io.rms.service.registry.DeliveryMode;
import io.rms.service.registry.SubscriptionInfo;
import io.rms.service.registry.SubscriptionSettings;
import java.time.Duration;

/** The subscription form's fields (times in seconds), as the page shows and posts them. */
record SubscriptionForm(
    String name,
    String topic,
    String app,
    String queue,
    long ackTimeoutSeconds,
    int maxAttempts,
    long backoffInitialSeconds,
    double backoffMultiplier,
    long backoffMaxSeconds,
    boolean ordered,
    boolean active) {

  /** The empty form of a new subscription, with the defaults. */
  static SubscriptionForm empty() {
    return of(SubscriptionSettings.defaults("", "", ""));
  }

  static SubscriptionForm of(SubscriptionInfo s) {
    return of(SubscriptionSettings.of(s));
  }

  private static SubscriptionForm of(SubscriptionSettings s) {
    return new SubscriptionForm(
        s.name(),
        s.topic(),
        s.app(),
        s.queue() == null ? "" : s.queue(),
        s.ackTimeout().toSeconds(),
        s.maxAttempts(),
        s.backoffInitial().toSeconds(),
        s.backoffMultiplier(),
        s.backoffMax().toSeconds(),
        s.ordered(),
        s.active());
  }

  /**
   * The settings the form asks for (checked by {@code SubscriptionChanges}), with the delivery mode
   * and push settings of {@code current} (the form does not change them; the admin API and the
   * configuration do), or AMQP for a new subscription ({@code current} null).
   */
  SubscriptionSettings settings(SubscriptionSettings current) {
    return new SubscriptionSettings(
        name,
        topic,
        app,
        queue,
        seconds(ackTimeoutSeconds),
        maxAttempts,
        seconds(backoffInitialSeconds),
        backoffMultiplier,
        seconds(backoffMaxSeconds),
        ordered,
        active,
        current == null ? DeliveryMode.AMQP : current.mode(),
        current == null ? null : current.push());
  }

  /** Seconds as a duration; out-of-range values become a duration the checks refuse. */
  private static Duration seconds(long seconds) {
    return seconds > Duration.ofDays(3650).toSeconds()
        ? Duration.ofDays(3650)
        : Duration.ofSeconds(seconds);
  }
}
