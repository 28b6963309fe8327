package io.rms.api;

import java.time.Instant;

/** One delivery of a message to one subscription. */
public record DeliveryView(
    String subscription,
    DeliveryStatus status,
    int attempts,
    Instant nextAttemptAt,
    Instant ackDeadline,
    Instant ackedAt,
    String lastError) {}
