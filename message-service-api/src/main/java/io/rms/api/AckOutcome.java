package io.rms.api;

/** What an ack did to one delivery. */
public enum AckOutcome {
  /** The delivery is now acknowledged. */
  ACKED,
  /** It was acknowledged before; nothing changed. */
  ALREADY_ACKED,
  /** The subscription has no delivery of this message. */
  NOT_FOUND
}
