package io.rms.service.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Latency timers fed from the hot path (a map lookup and an atomic add per observation):
 *
 * <ul>
 *   <li>{@code rms.publish.confirm.latency{outcome}}: from handing a delivery to the broker to its
 *       publisher confirm; outcome {@code ack}, {@code nack}, {@code returned} or {@code
 *       no_confirm} (timed out or the channel failed)
 *   <li>{@code rms.delivery.e2e.latency{subscription}}: from the message's confirm to the
 *       consumer's ack of this subscription's delivery (database clock), including redeliveries and
 *       delays
 * </ul>
 *
 * Both export fixed Prometheus histogram buckets so quantiles can be aggregated across pods.
 */
@Component
public class DeliveryMetrics {
  /** Confirm outcomes, the values of the {@code outcome} tag. */
  public enum ConfirmOutcome {
    ACK,
    NACK,
    RETURNED,
    NO_CONFIRM
  }

  private static final Duration[] CONFIRM_BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
    Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
    Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10)
  };
  private static final Duration[] E2E_BUCKETS = {
    Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
    Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5),
    Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(30),
    Duration.ofHours(1)
  };

  private final MeterRegistry registry;
  private final Map<ConfirmOutcome, Timer> confirms = new ConcurrentHashMap<>();
  private final Map<String, Timer> endToEnd = new ConcurrentHashMap<>();

  DeliveryMetrics(MeterRegistry registry) {
    this.registry = registry;
    // every outcome from the start, so rate() and failure ratios work before the first failure
    for (ConfirmOutcome outcome : ConfirmOutcome.values()) {
      confirmTimer(outcome);
    }
  }

  private Timer confirmTimer(ConfirmOutcome outcome) {
    return confirms.computeIfAbsent(
        outcome,
        o ->
            Timer.builder("rms.publish.confirm.latency")
                .description("Publish to broker publisher confirm")
                .tag("outcome", o.name().toLowerCase(java.util.Locale.ROOT))
                .serviceLevelObjectives(CONFIRM_BUCKETS)
                .register(registry));
  }

  /** The broker answered (or did not) a publish sent {@code nanos} ago. */
  public void confirmed(ConfirmOutcome outcome, long nanos) {
    confirmTimer(outcome).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The subscription acked deliveries whose messages were confirmed these many millis ago. */
  public void acked(String subscription, long[] sinceConfirmMillis) {
    Timer timer =
        endToEnd.computeIfAbsent(
            subscription,
            s ->
                Timer.builder("rms.delivery.e2e.latency")
                    .description("Message confirm to consumer ack, per subscription")
                    .tag("subscription", s)
                    .serviceLevelObjectives(E2E_BUCKETS)
                    .register(registry));
    for (long millis : sinceConfirmMillis) {
      timer.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }
  }
}
