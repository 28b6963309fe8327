package io.rms.recovery;

import java.time.Duration;

/**
 * How long to wait before the next try after {@code failures} failed ones; see {@link
 * ExponentialBackoff#jittered}.
 */
@FunctionalInterface
public interface Backoff {

  /** The wait after {@code failures} (1-based) failed tries. */
  Duration delay(int failures);
}
