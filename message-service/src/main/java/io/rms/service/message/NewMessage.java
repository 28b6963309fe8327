package io.rms.service.message;

import io.rms.service.tracing.TraceContext;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A validated, encoded message ready to be inserted ({@code trace} null when it carries none). */
record NewMessage(
    UUID id,
    String app,
    String producerMessageId,
    String topic,
    String contentType,
    byte[] payload,
    byte[] contentHash,
    String businessKey,
    String orderingKey,
    Map<String, String> headers,
    Instant deliverAfter,
    TraceContext trace) {}
