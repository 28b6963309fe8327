package io.rms.api;

/** Where one delivery (message × subscription) is in its lifecycle (docs/design.md §5). */
public enum DeliveryStatus {
  /** Waiting to be published (first time, after a timeout or nack, or until deliverAfter). */
  SCHEDULED,
  /** The broker confirmed the publish and did not return it; waiting for the consumer's ack. */
  PUBLISHED,
  /** The consumer acknowledged it. Final. */
  ACKED,
  /** Attempts exhausted or nacked without retry; visible and alerting until an operator acts. */
  DEAD
}
