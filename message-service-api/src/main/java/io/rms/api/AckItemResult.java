package io.rms.api;

import java.util.UUID;

/** The result of acknowledging one message id. */
public record AckItemResult(UUID messageId, AckOutcome outcome) {}
