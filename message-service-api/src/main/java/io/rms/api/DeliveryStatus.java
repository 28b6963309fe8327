package io.rms.api;

/** Where one delivery (message × subscription) is in its lifecycle (docs/design.md §5). */
public enum DeliveryStatus {
  /**
   * Ordered subscriptions only: held back until the earlier messages of its ordering key are acked
   * (or discarded, or cancelled) on this subscription; then SCHEDULED.
   */
  WAITING,
  /** Waiting to be published (first time, after a timeout or nack, or until deliverAfter). */
  SCHEDULED,
  /** The broker confirmed the publish and did not return it; waiting for the consumer's ack. */
  PUBLISHED,
  /** The consumer acknowledged it. Final. */
  ACKED,
  /**
   * Attempts exhausted or nacked without retry; visible and alerting until an operator acts. On an
   * ordered subscription it parks its ordering key: the later messages of the key stay WAITING.
   */
  DEAD,
  /** An operator gave up on a DEAD delivery: it is finished without an ack. Final. */
  DISCARDED
}
