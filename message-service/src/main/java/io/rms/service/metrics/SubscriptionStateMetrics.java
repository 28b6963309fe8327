package io.rms.service.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionInfo;
import java.util.Collection;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * {@code rms_subscription_paused{subscription, delivery}}: 1 while a subscription is paused, else
 * 0, from this replica's registry (so within {@code rms.registry.refresh} of a pause on any
 * replica).
 */
@Component
class SubscriptionStateMetrics {
  private final MultiGauge paused;
  private final Registry registry;

  SubscriptionStateMetrics(MeterRegistry meters, Registry registry) {
    this.registry = registry;
    this.paused =
        MultiGauge.builder("rms.subscription.paused")
            .description("1 while the subscription is paused (deliveries collected, none sent)")
            .register(meters);
  }

  @EventListener(ApplicationReadyEvent.class)
  void ready() {
    show(registry.subscriptions());
  }

  @EventListener
  void on(Registry.RegistryChanged changed) {
    show(changed.subscriptions());
  }

  private void show(Collection<SubscriptionInfo> subscriptions) {
    paused.register(
        subscriptions.stream()
            .map(
                s ->
                    MultiGauge.Row.of(
                        Tags.of("subscription", s.name(), "delivery", s.mode().json()),
                        s.paused() ? 1 : 0))
            .toList(),
        true);
  }
}
