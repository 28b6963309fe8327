package io.rms.service.message;

import io.rms.api.MessageStatus;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A message row. */
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
    int checkCount) {}
