package io.rms.api;

import jakarta.validation.constraints.NotNull;
import java.util.List;

/** Body of {@code batch/prepare}: up to {@link Limits#MAX_BATCH} prepare requests. */
public record BatchPrepareRequest(@NotNull List<PrepareMessageRequest> items) {}
