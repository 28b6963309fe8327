package io.rms.recovery;

import java.time.Duration;

/**
 * Removes finished messages older than the retention period in batches of {@code batchSize}, each
 * its own short transaction, at most {@code maxBatches} per run so one run never holds the database
 * for long.
 */
public final class RetentionSweep {
  /** The sweep's name in metrics. */
  public static final String NAME = "retention";

  private final RetentionPort port;
  private final Duration retention;
  private final int batchSize;
  private final int maxBatches;
  private final SweepMeter meter;

  public RetentionSweep(
      RetentionPort port, Duration retention, int batchSize, int maxBatches, SweepMeter meter) {
    if (batchSize < 1 || maxBatches < 1 || retention.isNegative()) {
      throw new IllegalArgumentException("retention needs positive batches and age >= 0");
    }
    this.port = port;
    this.retention = retention;
    this.batchSize = batchSize;
    this.maxBatches = maxBatches;
    this.meter = meter;
  }

  /** One run; returns how many messages it removed. */
  public int run() {
    return meter.measure(NAME, this::sweep);
  }

  private int sweep() {
    return Batches.run(
        maxBatches, batchSize, () -> port.deleteFinishedOlderThan(retention, batchSize));
  }
}
