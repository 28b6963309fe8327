package io.rms.recovery;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Measures sweep runs: {@code rms.sweep.duration} (timer), {@code rms.sweep.batch.size} (items a
 * run handled) and {@code rms.sweep.last.run} (epoch seconds of the last finished run), each tagged
 * with the sweep's name.
 */
public final class SweepMeter {
  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, AtomicLong> lastRun = new ConcurrentHashMap<>();

  public SweepMeter(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  /** Runs one sweep and records its duration, size and finishing time; returns the size. */
  public int measure(String sweep, IntSupplier run) {
    Timer.Sample sample = Timer.start(registry);
    int handled;
    try {
      handled = run.getAsInt();
    } finally {
      sample.stop(registry.timer("rms.sweep.duration", "sweep", sweep));
    }
    DistributionSummary.builder("rms.sweep.batch.size")
        .tag("sweep", sweep)
        .register(registry)
        .record(handled);
    lastRun
        .computeIfAbsent(
            sweep,
            name ->
                registry.gauge(
                    "rms.sweep.last.run",
                    io.micrometer.core.instrument.Tags.of("sweep", name),
                    new AtomicLong()))
        .set(clock.instant().getEpochSecond());
    return handled;
  }

  /** The registry, for sweeps that count their own outcomes. */
  MeterRegistry registry() {
    return registry;
  }
}
