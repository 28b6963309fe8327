package io.rms.recovery;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/** How long to wait before the next try after {@code failures} failed ones. */
@FunctionalInterface
public interface Backoff {

  /** The wait after {@code failures} (1-based) failed tries. */
  Duration delay(int failures);

  /**
   * Exponential backoff with full jitter: a random wait in {@code [0, min(max, initial ×
   * multiplier^(failures-1))]}, with {@code random} in [0, 1).
   */
  static Backoff exponential(
      Duration initial, double multiplier, Duration max, DoubleSupplier random) {
    if (initial.isNegative() || max.compareTo(initial) < 0 || multiplier < 1.0) {
      throw new IllegalArgumentException("backoff needs 0 <= initial <= max and multiplier >= 1");
    }
    return failures -> {
      double ceiling = initial.toMillis() * Math.pow(multiplier, Math.max(0, failures - 1));
      long capped = ceiling >= max.toMillis() ? max.toMillis() : (long) ceiling;
      return Duration.ofMillis((long) (capped * random.getAsDouble()));
    };
  }
}
