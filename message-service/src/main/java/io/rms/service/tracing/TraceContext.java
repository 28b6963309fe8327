package io.rms.service.tracing;

/**
 * A message's W3C trace context, as a prepare carried it: a valid {@code traceparent} and the
 * {@code tracestate} that goes with it.
 *
 * <p>Malformed input is ignored, not refused, as W3C Trace Context asks of a receiver: a {@code
 * traceparent} that does not parse (wrong length or version {@code ff}, upper-case or non-hex
 * digits, an all-zero trace or parent id) gives no context, and a {@code tracestate} is kept only
 * beside a valid {@code traceparent} and only when it is printable ASCII of at most {@value
 * #MAX_TRACESTATE} characters. A traceparent of a later version than {@code 00} is cut to the four
 * fields this version knows.
 *
 * @param traceparent {@code 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>}
 * @param tracestate the vendor list, or null
 */
public record TraceContext(String traceparent, String tracestate) {
  /** Longest tracestate kept (W3C asks a receiver to propagate at least 512 characters). */
  public static final int MAX_TRACESTATE = 512;

  private static final int LENGTH = 55;

  /** The context of these header values, or null when {@code traceparent} is absent or invalid. */
  public static TraceContext parse(String traceparent, String tracestate) {
    String parent = validTraceparent(traceparent);
    if (parent == null) {
      return null;
    }
    return new TraceContext(parent, validTracestate(tracestate));
  }

  /** The 32 hex digits of the trace id of a valid traceparent, or null for null. */
  public static String traceId(String traceparent) {
    return traceparent == null ? null : traceparent.substring(3, 35);
  }

  /** The 32 hex digits of this context's trace id. */
  public String traceId() {
    return traceId(traceparent);
  }

  /** The 16 hex digits of the span this context names as parent. */
  public String parentSpanId() {
    return traceparent.substring(36, 52);
  }

  private static String validTraceparent(String value) {
    if (value == null) {
      return null;
    }
    String v = value.strip();
    if (v.length() < LENGTH || (v.length() > LENGTH && v.charAt(LENGTH) != '-')) {
      return null;
    }
    if (v.startsWith("00") && v.length() != LENGTH) {
      return null;
    }
    if (v.startsWith("ff")
        || !hex(v, 0, 2)
        || v.charAt(2) != '-'
        || !hex(v, 3, 35)
        || v.charAt(35) != '-'
        || !hex(v, 36, 52)
        || v.charAt(52) != '-'
        || !hex(v, 53, 55)
        || zeros(v, 3, 35)
        || zeros(v, 36, 52)) {
      return null;
    }
    return v.length() == LENGTH && v.startsWith("00") ? v : "00" + v.substring(2, LENGTH);
  }

  private static String validTracestate(String value) {
    if (value == null || value.isBlank() || value.length() > MAX_TRACESTATE) {
      return null;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return null;
      }
    }
    return value.strip();
  }

  private static boolean hex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static boolean zeros(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }
}
