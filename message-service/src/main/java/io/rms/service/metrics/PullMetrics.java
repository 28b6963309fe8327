package io.rms.service.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * The meters of pull subscriptions (a leased delivery is a PUBLISHED one, so {@code
 * rms.deliveries{subscription,status="PUBLISHED"}} is a pull subscription's count in flight):
 *
 * <ul>
 *   <li>{@code rms.pull.leased{subscription}}: deliveries leased to pull callers
 *   <li>{@code rms.pull.lease.expired{subscription}}: leases that ended without an ack or nack
 *       (each a failed attempt, counted by the sweep that ends it)
 *   <li>{@code rms.pull.waiters}: long polls waiting on this replica
 * </ul>
 */
@Component
public class PullMetrics {
  private final MeterRegistry registry;
  private final Map<String, Counter> leased = new ConcurrentHashMap<>();
  private final Map<String, Counter> expired = new ConcurrentHashMap<>();

  PullMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The subscription leased {@code count} deliveries to a caller. */
  public void leased(String subscription, int count) {
    leased
        .computeIfAbsent(
            subscription,
            s ->
                Counter.builder("rms.pull.leased")
                    .description("Deliveries leased to pull consumers")
                    .tag("subscription", s)
                    .register(registry))
        .increment(count);
  }

  /** One lease of the subscription expired: its attempt failed. */
  public void expired(String subscription) {
    expired
        .computeIfAbsent(
            subscription,
            s ->
                Counter.builder("rms.pull.lease.expired")
                    .description("Pull leases that ended without an ack or nack")
                    .tag("subscription", s)
                    .register(registry))
        .increment();
  }

  /** Registers the gauge of waiting long polls. */
  public void waiters(Supplier<Number> waiting) {
    Gauge.builder("rms.pull.waiters", waiting)
        .description("Long polls waiting on this replica")
        .register(registry);
  }
}
