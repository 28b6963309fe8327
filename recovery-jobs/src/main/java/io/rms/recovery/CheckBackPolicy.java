package io.rms.recovery;

import java.time.Duration;

/**
 * When check-backs happen and when they stop.
 *
 * @param batchSize most messages claimed per run
 * @param maxChecks after this many checks without a decision the message is parked IN_DOUBT
 * @param backoff the wait before the next check after {@code n} checks without a decision
 * @param lease how long a claimed message is hidden from other instances (longer than a call)
 * @param postpone the wait when the producer was not asked (bulkhead full, or the run ran out of
 *     lease before reaching the message)
 * @param perAppConcurrency calls to one app at a time within a run (its bulkhead's size): a run
 *     asks each app through this many lanes, one message after another in each lane
 */
public record CheckBackPolicy(
    int batchSize,
    int maxChecks,
    Backoff backoff,
    Duration lease,
    Duration postpone,
    int perAppConcurrency) {

  public CheckBackPolicy {
    if (batchSize < 1 || maxChecks < 1 || perAppConcurrency < 1) {
      throw new IllegalArgumentException(
          "batchSize, maxChecks and perAppConcurrency must be positive");
    }
  }

  /** What to do with a message whose check gave no decision, having made {@code checks} now. */
  boolean exhausted(int checks) {
    return checks >= maxChecks;
  }
}
