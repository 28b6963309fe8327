package io.rms.service.web;

import io.rms.api.PrepareMessageRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * The W3C {@code traceparent} and {@code tracestate} headers of a prepare, send or batch call: they
 * are the trace context of every message of the call that names none in its body (a batch of items
 * from several traces names one per item). Validation is the message factory's: a malformed value
 * is ignored, never refused (docs/tracing.md).
 */
final class TraceHeaders {
  static final String TRACEPARENT = "traceparent";
  static final String TRACESTATE = "tracestate";

  private TraceHeaders() {}

  /** The request with the call's trace context, unless it carries its own or there is none. */
  static PrepareMessageRequest apply(
      PrepareMessageRequest request, String traceparent, String tracestate) {
    if (request == null || traceparent == null || request.traceparent() != null) {
      return request;
    }
    return request.withTraceContext(traceparent, tracestate);
  }

  /** Each item with the call's trace context, as {@link #apply} (null items stay null). */
  static List<PrepareMessageRequest> applyAll(
      List<PrepareMessageRequest> items, String traceparent, String tracestate) {
    if (traceparent == null || items == null) {
      return items;
    }
    List<PrepareMessageRequest> traced = new ArrayList<>(items.size());
    for (PrepareMessageRequest item : items) {
      traced.add(apply(item, traceparent, tracestate));
    }
    return traced;
  }
}
