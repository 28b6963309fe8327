package io.rms.api;

import java.time.Instant;
import java.util.UUID;

/**
 * The delivery after a nack: SCHEDULED again (with the next attempt time) or DEAD; or, for a nack
 * that changed nothing, the delivery's status as it was (ACKED, DEAD or DISCARDED).
 */
public record NackResult(UUID messageId, DeliveryStatus status, Instant nextAttemptAt) {}
