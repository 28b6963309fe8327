package io.rms.recovery;

import java.time.Duration;

/**
 * Bounds of the redelivery sweep, so a backlog (after a broker outage) drains at a controlled rate.
 *
 * @param batchSize most deliveries claimed per kind per run
 * @param maxInFlight most publishes waiting for their broker confirm; a run claims only the room
 * @param lease how long a claimed delivery is hidden from other instances (longer than a publish
 *     confirm)
 */
public record RedeliveryPolicy(int batchSize, int maxInFlight, Duration lease) {

  public RedeliveryPolicy {
    if (batchSize < 1 || maxInFlight < 1) {
      throw new IllegalArgumentException("batchSize and maxInFlight must be positive");
    }
  }
}
