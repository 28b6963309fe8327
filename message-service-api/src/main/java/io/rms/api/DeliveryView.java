package io.rms.api;

import java.time.Instant;
import java.util.UUID;

/**
 * One delivery of a message to one subscription.
 *
 * @param waitingFor for a WAITING delivery of an ordered subscription: the earlier message of its
 *     ordering key it waits for (its delivery is not finished there, or it is not confirmed yet)
 */
public record DeliveryView(
    String subscription,
    DeliveryStatus status,
    int attempts,
    Instant nextAttemptAt,
    Instant ackDeadline,
    Instant ackedAt,
    String lastError,
    UUID waitingFor) {}
