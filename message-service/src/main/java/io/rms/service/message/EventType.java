package io.rms.service.message;

/** Event types recorded in the history (the {@code type} field of an event). */
public final class EventType {
  /** A command contradicted the state (confirm after cancel, ...): detail has command and state. */
  public static final String CONFLICT = "CONFLICT";

  /** A publish was refused, returned, timed out or the broker was unreachable. */
  public static final String PUBLISH_FAILED = "PUBLISH_FAILED";

  /** The consumer reported a failure; detail has the reason and whether to retry. */
  public static final String NACK = "NACK";

  /** The delivery gave up (attempts exhausted or nack without retry). */
  public static final String DEAD = "DEAD";

  /** The confirmed topic had no active subscription left: nothing to deliver. */
  public static final String NO_SUBSCRIPTION = "NO_SUBSCRIPTION";

  private EventType() {}
}
