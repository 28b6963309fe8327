package io.rms.service.message;

/** Event types recorded in the history (the {@code type} field of an event). */
public final class EventType {
  /** A command contradicted the state (confirm after cancel, ...): detail has command and state. */
  public static final String CONFLICT = "CONFLICT";

  /** A publish was refused, returned, timed out or the broker was unreachable. */
  public static final String PUBLISH_FAILED = "PUBLISH_FAILED";

  /** The consumer reported a failure; detail has the reason and whether to retry. */
  public static final String NACK = "NACK";

  /**
   * A push to the subscription's URL failed (an error answer or a timeout): a failed attempt, like
   * a nack with retry; detail has the reason, the attempt and whether it is retried.
   */
  public static final String PUSH_FAILED = "PUSH_FAILED";

  /**
   * A push waits without using an attempt (the receiver answered 429/503 with Retry-After, or the
   * subscription's circuit is open): detail has the reason, the attempt and when it is pushed
   * again.
   */
  public static final String PUSH_DEFERRED = "PUSH_DEFERRED";

  /** The delivery gave up (attempts exhausted or nack without retry). */
  public static final String DEAD = "DEAD";

  /** The confirmed topic had no active subscription left: nothing to deliver. */
  public static final String NO_SUBSCRIPTION = "NO_SUBSCRIPTION";

  /** A check-back call's result: detail has the decision, the check count and any error. */
  public static final String CHECK_BACK = "CHECK_BACK";

  /** Check-backs gave no decision {@code maxChecks} times: the message waits for an operator. */
  public static final String IN_DOUBT = "IN_DOUBT";

  /** A published delivery was not acked in time and is scheduled again. */
  public static final String ACK_TIMEOUT = "ACK_TIMEOUT";

  /** An operator resolved a PREPARED or IN_DOUBT message: detail has the decision and result. */
  public static final String RESOLVE = "RESOLVE";

  /** An operator asked for a delivery to be published again: detail has the former status. */
  public static final String REDELIVER = "REDELIVER";

  /** An operator gave up on a DEAD delivery: it is finished without an ack. */
  public static final String DISCARD = "DISCARD";

  /**
   * The stranded-key sweep released a WAITING delivery of an ordered subscription that was its
   * key's head there with nothing left to release it (docs/design.md §5.1).
   */
  public static final String KEY_RELEASED = "KEY_RELEASED";

  /**
   * A replay (or a new subscription's backfill) gave the message a fresh delivery cycle on the
   * subscription: detail has the replay id and the delivery's former status ({@code none} when it
   * had no delivery there); the actor is whoever started the replay.
   */
  public static final String REPLAYED = "REPLAYED";

  /**
   * A replay was started on a subscription; no message, detail has the replay id, the window, the
   * filters and how many messages it selected.
   */
  public static final String REPLAY = "REPLAY";

  /**
   * An admin changed the registry (apps, keys, check-back URLs, subscriptions, users); no message,
   * detail has the action, its target and the result.
   */
  public static final String ADMIN = "ADMIN";

  /**
   * A dashboard login failed (wrong password, unknown or deactivated user); no message, the actor
   * is the user name tried, detail has the client address and the reason, never the password.
   */
  public static final String LOGIN_FAILED = "LOGIN_FAILED";

  private EventType() {}
}
