package io.rms.service.push;

import io.rms.service.outbound.HmacSignature;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The header fields of a push (docs/design.md, push): the delivery's identity and attempt, the
 * ordering key and sequence, the trace context, and the signature of {@code timestamp + "." + body}
 * with every valid secret.
 */
final class PushRequest {
  static final String MESSAGE_ID = "X-RMS-Message-Id";
  static final String SUBSCRIPTION = "X-RMS-Subscription";
  static final String ATTEMPT = "X-RMS-Attempt";
  static final String ORDERING_KEY = "X-RMS-Ordering-Key";
  static final String SEQUENCE = "X-RMS-Sequence";
  static final String TIMESTAMP = "X-RMS-Timestamp";
  static final String SIGNATURE = "X-RMS-Signature";
  static final String TRACEPARENT = "traceparent";

  private PushRequest() {}

  /** What a push carries besides the body. */
  record Delivery(
      UUID messageId,
      String subscription,
      int attempt,
      String orderingKey,
      Long sequence,
      String traceparent) {}

  /** The header fields for this delivery, body, time (Unix seconds) and secrets (newest first). */
  static Map<String, String> headers(
      Delivery delivery, byte[] body, long epochSeconds, List<String> secrets) {
    String timestamp = Long.toString(epochSeconds);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("User-Agent", "rms-push");
    headers.put(MESSAGE_ID, delivery.messageId().toString());
    headers.put(SUBSCRIPTION, delivery.subscription());
    headers.put(ATTEMPT, Integer.toString(delivery.attempt()));
    if (delivery.orderingKey() != null) {
      headers.put(ORDERING_KEY, headerSafe(delivery.orderingKey()));
    }
    if (delivery.sequence() != null) {
      headers.put(SEQUENCE, delivery.sequence().toString());
    }
    if (delivery.traceparent() != null && delivery.traceparent().matches("[0-9a-f-]{1,128}")) {
      headers.put(TRACEPARENT, delivery.traceparent());
    }
    headers.put(TIMESTAMP, timestamp);
    headers.put(SIGNATURE, HmacSignature.header(secrets, timestamp, body));
    return headers;
  }

  /**
   * A value as a header field can carry it: visible ASCII stays as it is, every other byte of its
   * UTF-8 form (and {@code %}) is percent-encoded, so a key can never add a line to the request.
   */
  static String headerSafe(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c > 0x20 && c < 0x7f && c != '%') {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }
}
