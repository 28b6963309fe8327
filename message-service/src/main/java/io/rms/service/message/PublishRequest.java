package io.rms.service.message;

import io.rms.service.registry.SubscriptionInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One delivery to publish: everything the broker message carries plus the bookkeeping keys.
 *
 * @param attempt the 1-based attempt this publish is ({@code x-rms-attempt})
 * @param ackTimeout the subscription's ack timeout (the ack deadline once published)
 * @param sequence on an ordered subscription, the message's place in its ordering key ({@code
 *     x-rms-sequence}); else null
 * @param traceparent the message's W3C trace context (AMQP header {@code traceparent}, and what
 *     push and pull deliveries carry), or null when its prepare carried none
 * @param tracestate the W3C tracestate beside it, or null
 */
public record PublishRequest(
    UUID messageId,
    String subscription,
    String queue,
    int attempt,
    String topic,
    String producer,
    String businessKey,
    String orderingKey,
    Map<String, String> headers,
    String contentType,
    byte[] payload,
    Instant createdAt,
    Duration ackTimeout,
    Long sequence,
    String traceparent,
    String tracestate) {

  /** Attempt {@code attempt} of the message's delivery to the subscription. */
  public static PublishRequest of(StoredMessage m, SubscriptionInfo s, int attempt) {
    return new PublishRequest(
        m.id(),
        s.name(),
        s.queue(),
        attempt,
        m.topic(),
        m.app(),
        m.businessKey(),
        m.orderingKey(),
        m.headers(),
        m.contentType(),
        m.payload(),
        m.createdAt(),
        s.ackTimeout(),
        s.ordered() ? m.orderSeq() : null,
        m.traceparent(),
        m.tracestate());
  }
}
