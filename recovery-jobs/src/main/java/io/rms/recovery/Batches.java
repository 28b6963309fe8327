package io.rms.recovery;

import java.util.function.LongSupplier;

/**
 * The bounded batch loop of the sweeps that work through a backlog (retention, the stats fold): at
 * most {@code maxBatches} batches of up to {@code batchSize} rows per run, stopping after the first
 * that came back short (the backlog is done for this run, or another instance has it).
 */
final class Batches {
  private Batches() {}

  /**
   * Runs {@code batch} until one returns less than {@code batchSize} (a negative answer counts as
   * none) or {@code maxBatches} ran; returns the rows done, at most {@link Integer#MAX_VALUE}.
   */
  static int run(int maxBatches, int batchSize, LongSupplier batch) {
    long total = 0;
    for (int i = 0; i < maxBatches; i++) {
      long done = batch.getAsLong();
      total += Math.max(0, done);
      if (done < batchSize) {
        break;
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, total);
  }
}
