package io.rms.api;

import java.util.List;

/** Per-item results of a batch call, in request order. */
public record BatchResult(List<BatchItemResult> items) {}
