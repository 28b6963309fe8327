package io.rms.service.push;

import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionChanges;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Pauses a push subscription whose circuit has been open (or probing without success) for longer
 * than its {@code push.pause-after}: the receiver is down for good, so the subscription stops,
 * visibly (metric, alert, dashboard badge), until an operator resumes it. Its deliveries keep
 * collecting, SCHEDULED, without using attempts. The guard is reset, so a resumed subscription
 * starts with a closed circuit.
 */
@Component
class PushPauses {
  private final PushGuards guards;
  private final SubscriptionChanges changes;
  private final Registry registry;
  private final Clock clock;

  PushPauses(PushGuards guards, SubscriptionChanges changes, Registry registry, Clock clock) {
    this.guards = guards;
    this.changes = changes;
    this.registry = registry;
    this.clock = clock;
  }

  /** Pauses every subscription whose circuit is open past its pause-after. */
  @Scheduled(
      fixedDelayString = "${rms.push.worker.pause-check:5s}",
      initialDelayString = "${rms.push.worker.pause-check:5s}")
  void pauseLongOpenCircuits() {
    Instant now = clock.instant();
    for (PushGuards.Guard guard : guards.all()) {
      Instant since = guard.openSince.get();
      if (since == null) {
        continue;
      }
      Duration open = Duration.between(since, now);
      if (open.compareTo(guard.settings.pauseAfter()) <= 0) {
        continue;
      }
      boolean stillPushed =
          registry.subscription(guard.subscription).map(PushWorkers::pushed).orElse(false);
      if (stillPushed) {
        changes.pause(
            "system",
            guard.subscription,
            "push circuit open since "
                + since
                + ", longer than push.pause-after "
                + guard.settings.pauseAfter());
      }
      guard.breaker.reset();
      guard.openSince.set(null);
    }
  }
}
