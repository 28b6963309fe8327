package io.rms.recovery;

/**
 * What asking a producer gave.
 *
 * @param verdict the decision, or why there is none
 * @param detail a short explanation for the event (HTTP status, error), null when clean
 */
public record CheckAnswer(Verdict verdict, String detail) {

  /** The outcome of one check-back call. */
  public enum Verdict {
    /** The producer committed: confirm and deliver. */
    COMMIT,
    /** The producer rolled back: cancel. */
    ROLLBACK,
    /** The producer answered that it cannot tell yet. */
    UNKNOWN,
    /**
     * No usable answer: unreachable, timeout, non-200, oversized or unparsable body, open circuit.
     * Counts like UNKNOWN.
     */
    ERROR,
    /** Not asked at all (the app's bulkhead is full): try again soon, no check consumed. */
    NOT_CALLED
  }

  public static CheckAnswer of(Verdict verdict) {
    return new CheckAnswer(verdict, null);
  }

  public static CheckAnswer error(String detail) {
    return new CheckAnswer(Verdict.ERROR, detail);
  }
}
