package io.rms.api;

import java.util.List;

/** Per-id results of an ack call, in request order. */
public record AckResult(List<AckItemResult> items) {}
