package io.rms.recovery;

import java.time.Duration;

/** The stats fold's view of the store (docs/recovery.md, "Stats fold"). */
public interface StatsFoldPort {

  /**
   * In one transaction: adds the rows finished after the watermark, up to {@code lag} before now
   * and at most about {@code limit} messages and {@code limit} deliveries, to the finished counts,
   * and moves the watermark there by compare-and-set. Returns the rows folded, 0 when nothing was
   * due, -1 when another instance moved the watermark first (nothing was added).
   */
  long fold(Duration lag, int limit);
}
