package io.rms.api;

/** A producer's answer to a check-back, or an operator's resolution of a message. */
public enum Decision {
  /** The producer's local transaction committed: deliver the message. */
  COMMIT,
  /** The producer's local transaction rolled back: cancel the message. */
  ROLLBACK,
  /** The producer cannot tell yet: ask again later. */
  UNKNOWN
}
