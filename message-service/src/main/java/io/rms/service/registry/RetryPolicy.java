package io.rms.service.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: before attempt {@code n+1} wait a random time in {@code [0,
 * min(max, initial × multiplier^(n-1))]}. A pure value; the caller supplies the randomness.
 *
 * @param initial the ceiling of the first wait
 * @param multiplier growth of the ceiling per attempt
 * @param max the largest ceiling
 */
public record RetryPolicy(Duration initial, double multiplier, Duration max) {

  public RetryPolicy {
    if (initial.isNegative() || max.compareTo(initial) < 0 || multiplier < 1.0) {
      throw new IllegalArgumentException("backoff needs 0 <= initial <= max and multiplier >= 1");
    }
  }

  /** The wait ceiling after {@code attempts} failed attempts (1-based). */
  public Duration ceiling(int attempts) {
    double millis = initial.toMillis() * Math.pow(multiplier, Math.max(0, attempts - 1));
    return millis >= max.toMillis() ? max : Duration.ofMillis((long) millis);
  }

  /** The wait after {@code attempts} failed attempts, with {@code random} in [0, 1). */
  public Duration delay(int attempts, DoubleSupplier random) {
    return Duration.ofMillis((long) (ceiling(attempts).toMillis() * random.getAsDouble()));
  }

  /** When attempt {@code attempts + 1} is due, seen from {@code now}. */
  public Instant nextAttemptAt(int attempts, Instant now, DoubleSupplier random) {
    return now.plus(delay(attempts, random));
  }
}
