package io.rms.api;

import java.time.Instant;
import java.util.UUID;

/**
 * One delivery leased to a pull consumer.
 *
 * @param messageId the message (ack or nack it by this id)
 * @param subscription the pull subscription
 * @param attempt the 1-based attempt this lease is
 * @param leaseExpiresAt when the lease ends: not acked or nacked by then, the attempt failed
 * @param sequence on an ordered subscription, the message's place in its ordering key (what AMQP
 *     consumers get as {@code x-rms-sequence}); else null
 * @param message the message, without deliveries and events
 */
public record PulledDelivery(
    UUID messageId,
    String subscription,
    int attempt,
    Instant leaseExpiresAt,
    Long sequence,
    MessageView message) {}
