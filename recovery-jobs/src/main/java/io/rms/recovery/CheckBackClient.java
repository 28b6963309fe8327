package io.rms.recovery;

/**
 * Asks a producer whether a PREPARED message's local transaction committed (docs/design.md §8).
 * Implementations sign the call, bound its time and size, isolate apps from each other (circuit
 * breaker, bulkhead per app) and never throw: every failure is an {@link CheckAnswer.Verdict#ERROR}
 * answer.
 */
public interface CheckBackClient {

  /** Calls the producer app's registered check-back URL about the message. */
  CheckAnswer check(PreparedMessage message);
}
