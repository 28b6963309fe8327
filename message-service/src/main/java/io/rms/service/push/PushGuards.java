package io.rms.service.push;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.rms.service.outbound.OutboundHttp;
import io.rms.service.registry.PushSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocketFactory;
import org.springframework.stereotype.Component;

/**
 * One {@link Guard} per push subscription on this replica: a Resilience4j bulkhead ({@code
 * push.concurrency} pushes in flight), rate limiter ({@code push.rate} per second) and circuit
 * breaker, and what the dashboard and metrics show of it (circuit state, in flight, latency, last
 * error). A change of the subscription's push settings replaces its guard.
 */
@Component
class PushGuards {
  private final PushProperties properties;
  private final MeterRegistry meters;
  private final Clock clock;
  private final Map<String, Guard> guards = new ConcurrentHashMap<>();

  PushGuards(PushProperties properties, MeterRegistry meters, Clock clock) {
    this.properties = properties;
    this.meters = meters;
    this.clock = clock;
  }

  /** A subscription's guard and what it observed. */
  static final class Guard {
    final String subscription;
    final PushSettings settings;
    final CircuitBreaker breaker;
    final Bulkhead bulkhead;
    final RateLimiter limiter;
    final Timer latency;
    final OutboundHttp http;

    /** Since when the circuit is not closed (open or probing), null while closed. */
    final AtomicReference<Instant> openSince = new AtomicReference<>();

    final AtomicReference<PushStatus.LastError> lastError = new AtomicReference<>();
    volatile long lastLatencyMillis = -1;

    Guard(
        String subscription,
        PushSettings settings,
        PushProperties properties,
        MeterRegistry meters,
        Clock clock) {
      this.subscription = subscription;
      this.settings = settings;
      String name = "push:" + subscription;
      this.breaker =
          CircuitBreaker.of(
              name,
              CircuitBreakerConfig.custom()
                  .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                  .slidingWindowSize(properties.circuitWindow())
                  .minimumNumberOfCalls(properties.circuitWindow())
                  .failureRateThreshold(properties.circuitFailureRate())
                  .waitDurationInOpenState(properties.circuitOpenFor())
                  .permittedNumberOfCallsInHalfOpenState(1)
                  .build());
      this.bulkhead =
          Bulkhead.of(
              name,
              BulkheadConfig.custom()
                  .maxConcurrentCalls(settings.concurrency())
                  .maxWaitDuration(settings.timeout())
                  .build());
      this.limiter = RateLimiter.of(name, rateLimit(settings.rate(), settings.timeout()));
      this.http =
          new OutboundHttp(
              properties.connectTimeout(),
              settings.timeout(),
              properties.maxResponseBytes(),
              (SSLSocketFactory) SSLSocketFactory.getDefault());
      this.latency =
          Timer.builder("rms.push.latency")
              .description("Time from the start of a push to its answer")
              .tag("subscription", subscription)
              .register(meters);
      breaker
          .getEventPublisher()
          .onStateTransition(
              event -> {
                if (event.getStateTransition().getToState() == CircuitBreaker.State.CLOSED) {
                  openSince.set(null);
                } else {
                  openSince.compareAndSet(null, clock.instant());
                }
              });
    }

    /** Records a push's time. */
    void took(Duration took) {
      latency.record(took.toNanos(), TimeUnit.NANOSECONDS);
      lastLatencyMillis = took.toMillis();
    }

    /** What the dashboard shows. */
    PushStatus status() {
      return new PushStatus(
          subscription,
          breaker.getState().name(),
          openSince.get(),
          settings.concurrency() - bulkhead.getMetrics().getAvailableConcurrentCalls(),
          settings.concurrency(),
          lastLatencyMillis < 0 ? null : lastLatencyMillis,
          latency.count() == 0 ? null : latency.mean(TimeUnit.MILLISECONDS),
          lastError.get());
    }
  }

  /** {@code rate} pushes per second: whole permits per second, or one per 1/rate seconds. */
  static RateLimiterConfig rateLimit(double rate, Duration wait) {
    RateLimiterConfig.Builder config = RateLimiterConfig.custom().timeoutDuration(wait);
    if (rate >= 1) {
      return config
          .limitForPeriod((int) Math.round(rate))
          .limitRefreshPeriod(Duration.ofSeconds(1))
          .build();
    }
    return config
        .limitForPeriod(1)
        .limitRefreshPeriod(Duration.ofNanos((long) (1_000_000_000L / rate)))
        .build();
  }

  /** The subscription's guard for these settings (a new one if the settings changed). */
  Guard guard(String subscription, PushSettings settings) {
    return guards.compute(
        subscription,
        (name, current) -> {
          if (current != null && current.settings.equals(settings)) {
            return current;
          }
          if (current == null) {
            registerGauges(name);
          }
          return new Guard(name, settings, properties, meters, clock);
        });
  }

  /** The guard of a subscription, if it has one on this replica. */
  Optional<Guard> find(String subscription) {
    return Optional.ofNullable(guards.get(subscription));
  }

  /** Every guard. */
  Collection<Guard> all() {
    return guards.values();
  }

  /** Drops the guards of subscriptions that are not pushed any more. */
  void retain(Set<String> subscriptions) {
    guards.keySet().retainAll(subscriptions);
  }

  private void registerGauges(String subscription) {
    Gauge.builder(
            "rms.push.in.flight",
            guards,
            g -> {
              Guard guard = g.get(subscription);
              return guard == null ? 0 : guard.status().inFlight();
            })
        .description("Pushes of the subscription in flight on this replica")
        .tag("subscription", subscription)
        .register(meters);
    Gauge.builder(
            "rms.push.circuit.open",
            guards,
            g -> {
              Guard guard = g.get(subscription);
              return guard == null || guard.openSince.get() == null ? 0 : 1;
            })
        .description("1 while the subscription's push circuit is open or probing on this replica")
        .tag("subscription", subscription)
        .register(meters);
  }
}
