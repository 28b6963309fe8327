package io.rms.consumer;

import java.util.Map;
import java.util.UUID;

/**
 * What the service says about a delivered message (docs/design.md §7, docs/amqp.md).
 *
 * @param messageId the message id
 * @param topic the topic it was sent on
 * @param subscription the subscription it was delivered to
 * @param attempt the delivery attempt, 1-based
 * @param producer the producing app
 * @param businessKey the producer's business key, or null
 * @param orderingKey the producer's ordering key, or null
 * @param contentType the payload's content type
 * @param headers the producer's user headers, and the W3C {@code traceparent} and {@code
 *     tracestate} when the message carries a trace (docs/tracing.md)
 * @param sequence on an ordered subscription, the message's place in its ordering key ({@code
 *     x-rms-sequence}, strictly increasing per key, not contiguous); null otherwise
 */
public record MessageMetadata(
    UUID messageId,
    String topic,
    String subscription,
    int attempt,
    String producer,
    String businessKey,
    String orderingKey,
    String contentType,
    Map<String, String> headers,
    Long sequence) {}
