package io.rms.api;

import java.time.Instant;
import java.util.UUID;

/** The delivery after a nack: SCHEDULED again (with the next attempt time), DEAD, or ACKED. */
public record NackResult(UUID messageId, DeliveryStatus status, Instant nextAttemptAt) {}
