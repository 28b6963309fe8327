package io.rms.service.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Backlog gauges, refreshed every {@code rms.metrics.refresh} by {@link BacklogQuery} on a thread
 * of their own; a scrape only reads the last snapshot, so scraping costs no SQL.
 *
 * <ul>
 *   <li>{@code rms.messages{status}}: messages PREPARED, CONFIRMED, IN_DOUBT
 *   <li>{@code rms.deliveries{subscription,status}}: deliveries SCHEDULED, PUBLISHED, DEAD
 *   <li>{@code rms.deliveries.dead{subscription}}: DEAD deliveries (waiting for an operator)
 *   <li>{@code rms.messages.oldest.prepared.age}: seconds since the oldest PREPARED was prepared
 *   <li>{@code rms.deliveries.oldest.unacked.age{subscription}}: seconds the oldest due, unacked
 *       delivery has waited
 *   <li>{@code rms.ordering.keys.parked{subscription}}: keys held back by a DEAD delivery
 *   <li>{@code rms.ordering.keys.waiting.too.long{subscription}}: keys whose next message has been
 *       WAITING longer than {@code rms.metrics.waiting-key-threshold}
 * </ul>
 */
@Component
@ConditionalOnProperty(name = "rms.metrics.backlog", havingValue = "true", matchIfMissing = true)
class BacklogMetrics implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(BacklogMetrics.class);

  private final BacklogQuery query;
  private final MetricsProperties properties;
  private final MultiGauge messages;
  private final MultiGauge deliveries;
  private final MultiGauge dead;
  private final MultiGauge oldestUnacked;
  private final MultiGauge parkedKeys;
  private final MultiGauge waitingTooLong;
  private volatile BacklogSnapshot snapshot = BacklogSnapshot.EMPTY;
  private ScheduledExecutorService timer;

  BacklogMetrics(DataSource dataSource, MetricsProperties properties, MeterRegistry registry) {
    this.query = new BacklogQuery(dataSource, properties);
    this.properties = properties;
    this.messages =
        MultiGauge.builder("rms.messages")
            .description("Messages in flight per status (PREPARED, CONFIRMED, IN_DOUBT)")
            .register(registry);
    this.deliveries =
        MultiGauge.builder("rms.deliveries")
            .description("Deliveries per subscription in WAITING, SCHEDULED, PUBLISHED or DEAD")
            .register(registry);
    this.dead =
        MultiGauge.builder("rms.deliveries.dead")
            .description("DEAD deliveries per subscription, waiting for an operator")
            .register(registry);
    this.oldestUnacked =
        MultiGauge.builder("rms.deliveries.oldest.unacked.age")
            .description("Seconds the oldest due SCHEDULED or PUBLISHED delivery has waited")
            .baseUnit("seconds")
            .register(registry);
    this.parkedKeys =
        MultiGauge.builder("rms.ordering.keys.parked")
            .description("Ordering keys of an ordered subscription held back by a DEAD delivery")
            .register(registry);
    this.waitingTooLong =
        MultiGauge.builder("rms.ordering.keys.waiting.too.long")
            .description(
                "Ordering keys of an ordered subscription whose next message has waited longer"
                    + " than rms.metrics.waiting-key-threshold")
            .register(registry);
    Gauge.builder("rms.messages.oldest.prepared.age", this, m -> m.snapshot.oldestPreparedSeconds())
        .description("Seconds since the oldest PREPARED message was prepared")
        .baseUnit("seconds")
        .register(registry);
  }

  /** Reads the backlog now and publishes it; a failed read keeps the previous values. */
  synchronized void refresh() {
    BacklogSnapshot next;
    try {
      next = query.read();
    } catch (RuntimeException e) {
      log.warn("backlog metrics not refreshed: {}", e.getMessage());
      return;
    }
    snapshot = next;
    messages.register(
        next.messages().entrySet().stream()
            .map(e -> MultiGauge.Row.of(Tags.of("status", e.getKey()), e.getValue()))
            .toList(),
        true);
    List<MultiGauge.Row<?>> deliveryRows = new ArrayList<>();
    List<MultiGauge.Row<?>> deadRows = new ArrayList<>();
    for (Map.Entry<String, Map<String, Long>> sub : next.deliveries().entrySet()) {
      sub.getValue()
          .forEach(
              (status, count) ->
                  deliveryRows.add(
                      MultiGauge.Row.of(
                          Tags.of("subscription", sub.getKey(), "status", status), count)));
      deadRows.add(
          MultiGauge.Row.of(
              Tags.of("subscription", sub.getKey()), sub.getValue().getOrDefault("DEAD", 0L)));
    }
    deliveries.register(deliveryRows, true);
    dead.register(deadRows, true);
    parkedKeys.register(
        next.parkedKeys().entrySet().stream()
            .map(e -> MultiGauge.Row.of(Tags.of("subscription", e.getKey()), e.getValue()))
            .toList(),
        true);
    waitingTooLong.register(
        next.waitingTooLong().entrySet().stream()
            .map(e -> MultiGauge.Row.of(Tags.of("subscription", e.getKey()), e.getValue()))
            .toList(),
        true);
    oldestUnacked.register(
        next.oldestUnackedSeconds().entrySet().stream()
            .map(e -> MultiGauge.Row.of(Tags.of("subscription", e.getKey()), e.getValue()))
            .toList(),
        true);
  }

  @Override
  public void start() {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "rms-backlog-metrics");
              t.setDaemon(true);
              return t;
            });
    long period = properties.refresh().toMillis();
    timer.scheduleWithFixedDelay(this::refresh, 0, period, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    timer.shutdownNow();
    timer = null;
  }

  @Override
  public boolean isRunning() {
    return timer != null;
  }
}
