package io.rms.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The message representation (docs/design.md §6); field names are part of the contract. Command
 * answers (prepare, confirm, cancel, send, list items) leave out {@code deliveries} and {@code
 * events}; {@code GET /api/v1/messages/{id}} includes both. {@code traceId} is the 32 hex digits of
 * the W3C trace the prepare carried, null when it carried none.
 */
public record MessageView(
    UUID id,
    String app,
    String producerMessageId,
    String topic,
    String businessKey,
    String orderingKey,
    MessageStatus status,
    String contentType,
    Object payload,
    Map<String, String> headers,
    Instant deliverAfter,
    Instant createdAt,
    Instant confirmedAt,
    Instant finishedAt,
    int checkCount,
    String traceId,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<DeliveryView> deliveries,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<EventView> events) {}
