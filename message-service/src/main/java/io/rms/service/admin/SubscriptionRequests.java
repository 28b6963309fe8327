package io.rms.service.admin;

import io.rms.api.PushOptions;
import io.rms.api.SubscriptionRequest;
import io.rms.api.SubscriptionView;
import io.rms.service.problem.RmsProblem;
import io.rms.service.registry.DeliveryMode;
import io.rms.service.registry.PushSettings;
import io.rms.service.registry.SubscriptionInfo;
import io.rms.service.registry.SubscriptionSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/** Between the admin API's subscription bodies and the registry's settings. */
final class SubscriptionRequests {
  private SubscriptionRequests() {}

  /** The settings of a new subscription: the request's, the defaults for what it leaves out. */
  static SubscriptionSettings create(SubscriptionRequest r) {
    return merge(SubscriptionSettings.defaults(r.name(), r.topic(), r.app()), r);
  }

  /**
   * The request's settings over the current ones; a name in the body must be the subscription's (a
   * subscription is never renamed).
   */
  static SubscriptionSettings change(
      String name, SubscriptionRequest r, SubscriptionSettings current) {
    if (r.name() != null && !r.name().equals(name)) {
      throw RmsProblem.invalid("name cannot change (it is " + name + ")");
    }
    return merge(current, r);
  }

  private static SubscriptionSettings merge(SubscriptionSettings s, SubscriptionRequest r) {
    DeliveryMode mode = mode(r.delivery(), s.mode());
    return new SubscriptionSettings(
        s.name(),
        r.topic() != null ? r.topic() : s.topic(),
        r.app() != null ? r.app() : s.app(),
        r.queue() != null ? r.queue() : s.queue(),
        r.ackTimeoutSeconds() != null ? seconds(r.ackTimeoutSeconds()) : s.ackTimeout(),
        r.maxAttempts() != null ? r.maxAttempts() : s.maxAttempts(),
        r.backoffInitialSeconds() != null ? seconds(r.backoffInitialSeconds()) : s.backoffInitial(),
        r.backoffMultiplier() != null ? r.backoffMultiplier() : s.backoffMultiplier(),
        r.backoffMaxSeconds() != null ? seconds(r.backoffMaxSeconds()) : s.backoffMax(),
        r.ordered() != null ? r.ordered() : s.ordered(),
        r.active() != null ? r.active() : s.active(),
        mode,
        mode == DeliveryMode.PUSH ? push(r.push(), s.push()) : null);
  }

  private static DeliveryMode mode(String requested, DeliveryMode current) {
    if (requested == null) {
      return current == null ? DeliveryMode.AMQP : current;
    }
    try {
      return DeliveryMode.parse(requested);
    } catch (IllegalArgumentException e) {
      throw RmsProblem.invalid(e.getMessage());
    }
  }

  /** The request's push options over the current ones (the defaults when there are none). */
  private static PushSettings push(PushOptions r, PushSettings current) {
    if (r == null) {
      return current;
    }
    URI url;
    try {
      url = r.url() != null ? new URI(r.url().trim()) : current != null ? current.url() : null;
    } catch (URISyntaxException e) {
      throw RmsProblem.invalid("push.url is not a URL");
    }
    PushSettings base = current != null ? current : PushSettings.to(url);
    return new PushSettings(
        url,
        r.timeoutSeconds() != null ? millis(r.timeoutSeconds()) : base.timeout(),
        r.concurrency() != null ? r.concurrency() : base.concurrency(),
        r.rate() != null ? r.rate() : base.rate(),
        r.pauseAfterSeconds() != null ? seconds(r.pauseAfterSeconds()) : base.pauseAfter());
  }

  /** Fractional seconds as a duration, bounded like {@link #seconds}. */
  private static Duration millis(double seconds) {
    double bounded = Math.max(-3.15e8, Math.min(seconds, 3.15e8));
    return Duration.ofMillis(Math.round(bounded * 1000));
  }

  /** Seconds as a duration; a value beyond ten years stays beyond the checked range. */
  private static Duration seconds(long seconds) {
    long tenYears = Duration.ofDays(3650).toSeconds();
    return Duration.ofSeconds(Math.max(-tenYears, Math.min(seconds, tenYears)));
  }

  static SubscriptionView view(SubscriptionInfo s, boolean configured) {
    return new SubscriptionView(
        s.name(),
        s.topic(),
        s.app(),
        s.queue(),
        s.ackTimeout().toSeconds(),
        s.maxAttempts(),
        s.backoff().initial().toSeconds(),
        s.backoff().multiplier(),
        s.backoff().max().toSeconds(),
        s.ordered(),
        s.active(),
        configured,
        s.mode().json(),
        s.push() == null
            ? null
            : new PushOptions(
                s.push().url().toString(),
                s.push().timeout().toMillis() / 1000.0,
                s.push().concurrency(),
                s.push().rate(),
                s.push().pauseAfter().toSeconds()),
        s.paused(),
        s.paused() ? s.pause().at() : null,
        s.paused() ? s.pause().by() : null,
        s.paused() ? s.pause().reason() : null);
  }
}
