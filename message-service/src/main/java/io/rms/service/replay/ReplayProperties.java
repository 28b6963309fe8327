package io.rms.service.replay;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Replay pacing and bounds ({@code rms.replay.*}).
 *
 * @param rate most deliveries a replay gives a fresh cycle per second (each replay; one runs per
 *     subscription at a time), so the subscription's live traffic keeps flowing
 * @param tick how often the replay sweep runs; while replays run it spreads their steps over its
 *     tick (at most one second of it), one every half {@code burst}
 * @param burst the longest stretch of pace one step spends at once: a replay idle for longer than
 *     this (a new one, or one whose sweep was late) gets only {@code rate × burst} deliveries in
 *     its next step, so live traffic on the subscription meets small steps, not a second's worth at
 *     once
 * @param maxMessages most messages one replay selects; a larger window needs a {@code limit} or
 *     several replays
 */
@ConfigurationProperties("rms.replay")
public record ReplayProperties(
    @DefaultValue("100") int rate,
    @DefaultValue("1s") Duration tick,
    @DefaultValue("100000") int maxMessages,
    @DefaultValue("100ms") Duration burst) {

  public ReplayProperties {
    if (rate < 1) {
      throw new IllegalArgumentException("rms.replay.rate must be at least 1");
    }
    if (tick.isNegative() || tick.isZero()) {
      throw new IllegalArgumentException("rms.replay.tick must be positive");
    }
    if (burst.isNegative() || burst.isZero()) {
      throw new IllegalArgumentException("rms.replay.burst must be positive");
    }
    if (maxMessages < 1) {
      throw new IllegalArgumentException("rms.replay.max-messages must be at least 1");
    }
  }
}
