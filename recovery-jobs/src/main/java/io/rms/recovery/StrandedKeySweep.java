package io.rms.recovery;

/**
 * Releases WAITING deliveries of ordered subscriptions whose key has nothing left ahead of them on
 * their subscription, at most {@code batchSize} per run. Commands release a key's next message in
 * the transaction that finishes its head; this sweep is the safety net for the releases that were
 * decided from a stale view, so no key stays stranded longer than one recovery interval.
 */
public final class StrandedKeySweep {
  /** The sweep's name in metrics. */
  public static final String NAME = "stranded-keys";

  private final StrandedKeyPort port;
  private final int batchSize;
  private final SweepMeter meter;

  public StrandedKeySweep(StrandedKeyPort port, int batchSize, SweepMeter meter) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("the stranded-key sweep needs a positive batch size");
    }
    this.port = port;
    this.batchSize = batchSize;
    this.meter = meter;
  }

  /** One run; returns how many deliveries it released. */
  public int run() {
    return meter.measure(NAME, () -> port.releaseStranded(batchSize));
  }
}
