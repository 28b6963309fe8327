package io.rms.api;

/** Where a message is in its lifecycle (docs/design.md §4). */
public enum MessageStatus {
  /** Stored by prepare; not visible to consumers until confirmed. */
  PREPARED,
  /** The producer committed; deliveries exist for every subscription of the topic. */
  CONFIRMED,
  /** Every delivery has been acknowledged. Final. */
  DELIVERED,
  /** The producer rolled back (or check-back / an operator said ROLLBACK). Final. */
  CANCELLED,
  /** Check-back gave no answer after the maximum number of checks; waits for an operator. */
  IN_DOUBT;

  /** True for states no command can leave. */
  public boolean isFinal() {
    return this == DELIVERED || this == CANCELLED;
  }
}
