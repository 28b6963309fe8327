package io.rms.recovery;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: after {@code n} failed tries wait a random time in {@code
 * [0, min(max, initial × multiplier^(n-1))]}. A pure value; the caller supplies the randomness. The
 * one formula behind check-back retries, redeliveries and nack backoff.
 *
 * @param initial the ceiling of the first wait
 * @param multiplier growth of the ceiling per failed try
 * @param max the largest ceiling
 */
public record ExponentialBackoff(Duration initial, double multiplier, Duration max) {

  public ExponentialBackoff {
    if (initial.isNegative() || max.compareTo(initial) < 0 || multiplier < 1.0) {
      throw new IllegalArgumentException("backoff needs 0 <= initial <= max and multiplier >= 1");
    }
  }

  /** The wait ceiling after {@code failures} failed tries (1-based). */
  public Duration ceiling(int failures) {
    double millis = initial.toMillis() * Math.pow(multiplier, Math.max(0, failures - 1));
    return millis >= max.toMillis() ? max : Duration.ofMillis((long) millis);
  }

  /** The wait after {@code failures} failed tries, with {@code random} in [0, 1). */
  public Duration delay(int failures, DoubleSupplier random) {
    return Duration.ofMillis((long) (ceiling(failures).toMillis() * random.getAsDouble()));
  }

  /** This backoff with its randomness bound, as the sweeps use it. */
  public Backoff jittered(DoubleSupplier random) {
    return failures -> delay(failures, random);
  }
}
