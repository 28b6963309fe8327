package io.rms.service.config;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The randomness of backoff's full jitter: a value in [0, 1) per wait. One bean, so tests can make
 * waits predictable instead of branching on them.
 */
@FunctionalInterface
public interface Jitter extends DoubleSupplier {

  /** Uniformly random, per thread. */
  static Jitter random() {
    return () -> ThreadLocalRandom.current().nextDouble();
  }
}
