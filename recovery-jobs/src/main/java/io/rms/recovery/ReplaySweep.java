package io.rms.recovery;

/** Advances the running replays, each at its paced rate; runs every {@code rms.replay.tick}. */
public final class ReplaySweep {
  /** The sweep's name in metrics. */
  public static final String NAME = "replay";

  private final ReplayPort port;
  private final SweepMeter meter;

  public ReplaySweep(ReplayPort port, SweepMeter meter) {
    this.port = port;
    this.meter = meter;
  }

  /** One run; returns how many selected messages it handled. */
  public int run() {
    return meter.measure(NAME, port::advanceReplays);
  }
}
