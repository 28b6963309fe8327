package io.rms.service.message;

import io.rms.api.AckOutcome;
import io.rms.api.DeliveryStatus;

/**
 * What a consumer's ack and nack answer in each delivery state (the table of docs/design.md §5).
 * The transitions themselves stay in {@link DeliveryLifecycle} and the compare-and-set SQL of
 * {@link DeliveryStore}; this table decides only what a call that changes nothing answers, so no
 * state ever reaches a guard that would refuse it (no 5xx).
 *
 * <pre>
 * status      ack                     nack (retry true or false)
 * WAITING     NOT_DELIVERED           409 not-delivered
 * SCHEDULED   → ACKED                 applied (reschedule / DEAD)
 * PUBLISHED   → ACKED                 applied (reschedule / DEAD)
 * DEAD        → ACKED (late ack)      200, DEAD, unchanged
 * ACKED       ALREADY_ACKED           200, ACKED, unchanged
 * DISCARDED   DISCARDED               200, DISCARDED, unchanged
 * (none)      NOT_FOUND               404 not-found
 * </pre>
 */
final class ConsumerOutcomes {
  private ConsumerOutcomes() {}

  /** What a nack does to a delivery in a state. */
  enum NackAction {
    /** Reschedule or bury it (compare-and-set on the status read). */
    APPLY,
    /** Change nothing and answer the status: the delivery is finished or parked already. */
    ANSWER_STATUS,
    /** Refuse with 409 {@code not-delivered}: the consumer cannot have received it. */
    REFUSE_NOT_DELIVERED
  }

  /** The nack's action for a delivery in {@code status}. */
  static NackAction nack(DeliveryStatus status) {
    return switch (status) {
      case WAITING -> NackAction.REFUSE_NOT_DELIVERED;
      case SCHEDULED, PUBLISHED -> NackAction.APPLY;
      case DEAD, ACKED, DISCARDED -> NackAction.ANSWER_STATUS;
    };
  }

  /**
   * The outcome of an ack that did not change the delivery, by the status it has now (null: the
   * subscription has no delivery of the message). A delivery in a state an ack moves to ACKED that
   * the ack's statement still did not change was WAITING when that statement read it (released just
   * after): it was not delivered yet either.
   */
  static AckOutcome ackUnchanged(DeliveryStatus status) {
    if (status == null) {
      return AckOutcome.NOT_FOUND;
    }
    return switch (status) {
      case ACKED -> AckOutcome.ALREADY_ACKED;
      case DISCARDED -> AckOutcome.DISCARDED;
      case WAITING, SCHEDULED, PUBLISHED, DEAD -> AckOutcome.NOT_DELIVERED;
    };
  }
}
