package io.rms.service.replay;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Replay pacing and bounds ({@code rms.replay.*}).
 *
 * @param rate most deliveries a replay gives a fresh cycle per second (each replay; one runs per
 *     subscription at a time), so the subscription's live traffic keeps flowing
 * @param tick how often the replay sweep advances the running replays
 * @param maxMessages most messages one replay selects; a larger window needs a {@code limit} or
 *     several replays
 */
@ConfigurationProperties("rms.replay")
public record ReplayProperties(
    @DefaultValue("100") int rate,
    @DefaultValue("1s") Duration tick,
    @DefaultValue("100000") int maxMessages) {

  public ReplayProperties {
    if (rate < 1) {
      throw new IllegalArgumentException("rms.replay.rate must be at least 1");
    }
    if (tick.isNegative() || tick.isZero()) {
      throw new IllegalArgumentException("rms.replay.tick must be positive");
    }
    if (maxMessages < 1) {
      throw new IllegalArgumentException("rms.replay.max-messages must be at least 1");
    }
  }
}
