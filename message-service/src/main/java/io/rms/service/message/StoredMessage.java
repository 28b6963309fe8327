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
    Long orderSeq) {}
