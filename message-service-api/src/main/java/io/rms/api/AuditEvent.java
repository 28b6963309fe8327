package io.rms.api;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One event of the audit history, across messages (admin API). */
public record AuditEvent(
    long id,
    UUID messageId,
    Instant at,
    String type,
    String subscription,
    String actor,
    Map<String, Object> detail) {}
