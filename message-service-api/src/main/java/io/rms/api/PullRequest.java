package io.rms.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * Body of a pull: lease up to {@code max} deliveries of a pull subscription.
 *
 * @param max how many deliveries at most, 1 to 1,000 (default 1)
 * @param waitSeconds how long to wait for a first delivery when none is ready, 0 to 30 (default 0:
 *     answer at once)
 * @param leaseSeconds how long the caller holds what it gets, 5 to 600 (default 60): a delivery not
 *     acked or nacked by then is a failed attempt, as an ack timeout is
 */
public record PullRequest(
    @Min(1) @Max(Limits.MAX_BATCH) Integer max,
    @Min(0) @Max(PullRequest.MAX_WAIT_SECONDS) Integer waitSeconds,
    @Min(PullRequest.MIN_LEASE_SECONDS) @Max(PullRequest.MAX_LEASE_SECONDS) Integer leaseSeconds) {

  /** The longest long poll. */
  public static final int MAX_WAIT_SECONDS = 30;

  /** The shortest lease. */
  public static final int MIN_LEASE_SECONDS = 5;

  /** The longest lease. */
  public static final int MAX_LEASE_SECONDS = 600;

  /** {@code max}, absent meaning 1. */
  public int maxOrDefault() {
    return max == null ? 1 : max;
  }

  /** {@code waitSeconds}, absent meaning 0. */
  public int waitSecondsOrDefault() {
    return waitSeconds == null ? 0 : waitSeconds;
  }

  /** {@code leaseSeconds}, absent meaning 60. */
  public int leaseSecondsOrDefault() {
    return leaseSeconds == null ? 60 : leaseSeconds;
  }
}
