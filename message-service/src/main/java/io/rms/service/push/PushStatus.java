package io.rms.service.push;

import java.time.Instant;

/**
 * What this replica knows of a push subscription's pushes, for the dashboard.
 *
 * @param circuit CLOSED, OPEN or HALF_OPEN
 * @param openSince since when the circuit is not closed, null while closed
 * @param inFlight pushes in flight now
 * @param concurrency the most in flight ({@code push.concurrency})
 * @param lastLatencyMillis the last push's time, null before the first
 * @param meanLatencyMillis the mean push time since start, null before the first
 * @param lastError the last failure, null if none
 */
public record PushStatus(
    String subscription,
    String circuit,
    Instant openSince,
    int inFlight,
    int concurrency,
    Long lastLatencyMillis,
    Double meanLatencyMillis,
    LastError lastError) {

  /** A failed or deferred push: when, and why. */
  public record LastError(Instant at, String error) {}
}
