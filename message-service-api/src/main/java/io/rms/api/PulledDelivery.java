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
 * @param traceparent the W3C trace context to continue in the handler (the message's, as stored at
 *     its prepare), or null when its prepare carried none
 * @param replayId the replay (or backfill) whose delivery cycle this is, what AMQP consumers get as
 *     {@code x-rms-replay}; null on the message's first cycle. Apply a message once per replay
 * @param message the message, without deliveries and events
 */
public record PulledDelivery(
    UUID messageId,
    String subscription,
    int attempt,
    Instant leaseExpiresAt,
    Long sequence,
    String traceparent,
    String replayId,
    MessageView message) {}
