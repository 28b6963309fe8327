package io.rms.api;

import java.time.Instant;
import java.util.UUID;

/**
 * An ordering key held back on an ordered subscription: the message at its head (the earliest
 * unfinished message of the key there) blocks the later ones until it is acked or discarded (or,
 * when it is not confirmed yet, until it is confirmed and acked, or cancelled).
 *
 * @param blockingMessage the head's message id
 * @param reason why the head blocks
 * @param messageStatus the head message's status
 * @param deliveryStatus the head's delivery status on the subscription; null when the message is
 *     not confirmed (it has no delivery yet)
 * @param attempts the head delivery's attempts so far (0 without a delivery)
 * @param lastError the head delivery's last recorded error (a nack reason, a timeout), or null
 * @param since when the key began holding messages back: the creation of the oldest delivery
 *     waiting behind the head, or, when none waits, when the head began blocking
 * @param ageSeconds seconds since {@code since}, by the database clock
 * @param waiting how many deliveries of the key wait behind the head on this subscription
 */
public record HeldKey(
    String topic,
    String orderingKey,
    UUID blockingMessage,
    Reason reason,
    MessageStatus messageStatus,
    DeliveryStatus deliveryStatus,
    int attempts,
    String lastError,
    Instant since,
    double ageSeconds,
    long waiting) {

  /** Why a key's head blocks it. */
  public enum Reason {
    /** The head delivery is DEAD: an operator redelivers or discards it. */
    DEAD,
    /** The head message is PREPARED: the producer has not confirmed or cancelled it yet. */
    PREPARED,
    /** The head message is IN_DOUBT: the check-back gave up; an operator resolves it. */
    IN_DOUBT,
    /** The head delivery is SCHEDULED or PUBLISHED and not acked yet (the consumer is on it). */
    UNACKED,
    /**
     * The head delivery is itself WAITING although nothing is before it: the release that should
     * have scheduled it was missed (the key is stranded).
     */
    STRANDED
  }
}
