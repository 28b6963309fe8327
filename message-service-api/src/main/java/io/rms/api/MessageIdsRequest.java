package io.rms.api;

import jakarta.validation.constraints.NotNull;
import java.util.List;
import java.util.UUID;

/** Body of {@code batch/confirm}, {@code batch/cancel} and acks: 1..1,000 message ids. */
public record MessageIdsRequest(@NotNull List<UUID> messageIds) {}
