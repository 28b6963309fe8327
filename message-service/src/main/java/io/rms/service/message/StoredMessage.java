package io.rms.service.message;

import io.rms.api.MessageStatus;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A message row.
 *
 * @param orderSeq its place among the messages of its ordering key, or null when it is not ordered
 *     (no key, or no ordered subscription of its topic when it was prepared)
 * @param traceparent the W3C trace context its prepare carried (valid), or null
 * @param tracestate the W3C tracestate beside it, or null
 */
public record StoredMessage(
    UUID id,
    String app,
    String producerMessageId,
    String topic,
    MessageStatus status,
    String contentType,
    byte[] payload,
    byte[] contentHash,
    String businessKey,
    String orderingKey,
    Map<String, String> headers,
    Instant deliverAfter,
    Instant createdAt,
    Instant confirmedAt,
    Instant finishedAt,
    int checkCount,
    Long orderSeq,
    String traceparent,
    String tracestate) {}
