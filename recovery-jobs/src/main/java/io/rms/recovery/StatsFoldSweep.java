package io.rms.recovery;

import java.time.Duration;

/**
 * Folds finished messages and deliveries into the stats counts, in transactions of at most {@code
 * batchSize} messages and deliveries each, at most {@code maxBatches} per run: a run stops as soon
 * as it is caught up with the lag, so after the first runs (the history of an upgraded database)
 * each run folds the few seconds finished since the last one.
 */
public final class StatsFoldSweep {
  /** The sweep's name in metrics. */
  public static final String NAME = "stats-fold";

  private final StatsFoldPort port;
  private final Duration lag;
  private final int batchSize;
  private final int maxBatches;
  private final SweepMeter meter;

  public StatsFoldSweep(
      StatsFoldPort port, Duration lag, int batchSize, int maxBatches, SweepMeter meter) {
    if (batchSize < 1 || maxBatches < 1 || lag.isNegative()) {
      throw new IllegalArgumentException("the stats fold needs positive batches and a lag >= 0");
    }
    this.port = port;
    this.lag = lag;
    this.batchSize = batchSize;
    this.maxBatches = maxBatches;
    this.meter = meter;
  }

  /** One run; returns how many rows it folded. */
  public int run() {
    return meter.measure(NAME, this::sweep);
  }

  private int sweep() {
    // a fold answers 0 when caught up and -1 when another instance is folding: both end the run
    return Batches.run(maxBatches, batchSize, () -> port.fold(lag, batchSize));
  }
}
