package io.rms.api;

/**
 * What an ack did to one delivery. Only {@link #ACKED} changed anything; every other value leaves
 * the delivery as it was. New values may be added: treat an unknown one like {@link #NOT_FOUND}
 * (nothing was acknowledged).
 */
public enum AckOutcome {
  /** The delivery is now acknowledged. */
  ACKED,
  /** It was acknowledged before; nothing changed. */
  ALREADY_ACKED,
  /** The subscription has no delivery of this message. */
  NOT_FOUND,
  /**
   * The delivery has not been delivered yet (it is WAITING for an earlier message of its ordering
   * key); nothing changed: ack it once it has arrived.
   */
  NOT_DELIVERED,
  /** An operator discarded the delivery (it is finished without an ack); nothing changed. */
  DISCARDED
}
