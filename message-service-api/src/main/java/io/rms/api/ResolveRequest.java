package io.rms.api;

import jakarta.validation.constraints.NotNull;

/**
 * An operator's resolution of a PREPARED or IN_DOUBT message.
 *
 * @param decision COMMIT (confirm and deliver) or ROLLBACK (cancel); UNKNOWN is refused
 */
public record ResolveRequest(@NotNull Decision decision) {}
