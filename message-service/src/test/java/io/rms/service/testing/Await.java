package io.rms.service.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition that becomes true asynchronously (broker confirms, bookkeeping). */
public final class Await {
  private Await() {}

  /** Waits until {@code condition} holds, failing after {@code timeout}. */
  public static void until(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
