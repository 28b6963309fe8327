package io.rms.api;

import java.time.Instant;
import java.util.Map;

/**
 * One history entry of a message: everything off the happy path (check-back results, timeouts,
 * nacks, publish failures, conflicts, operator actions).
 */
public record EventView(
    Instant at, String type, String subscription, String actor, Map<String, Object> detail) {}
