package io.rms.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.Map;

/**
 * Body of prepare and send (docs/design.md §6).
 *
 * @param topic the topic; every active subscription of it receives the message
 * @param payload any JSON value, or a string (base64 for binary) when {@code contentType} is not
 *     JSON
 * @param producerMessageId optional idempotency key, unique per app
 * @param businessKey optional searchable key (an order number, ...)
 * @param orderingKey optional key carried to consumers as {@code x-rms-ordering-key}
 * @param headers optional user headers (at most 32; no {@code x-rms-*}, {@code CC}, {@code BCC})
 * @param deliverAfter optional earliest delivery time
 * @param contentType optional, default {@code application/json}
 * @param traceparent optional W3C trace context of this message; takes precedence over the call's
 *     {@code traceparent} HTTP header (a batch of items from several traces carries one per item).
 *     A malformed value is ignored, as W3C Trace Context asks, not refused
 * @param tracestate optional W3C {@code tracestate} that goes with {@code traceparent}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PrepareMessageRequest(
    @NotBlank @Pattern(regexp = Limits.TOPIC_PATTERN) String topic,
    @NotNull Object payload,
    @Size(min = 1, max = 200) String producerMessageId,
    @Size(max = 200) String businessKey,
    @Size(max = 200) String orderingKey,
    Map<String, String> headers,
    Instant deliverAfter,
    @Size(max = 200) String contentType,
    String traceparent,
    String tracestate) {

  /** A request without trace context of its own (the call's headers may still give one). */
  public PrepareMessageRequest(
      String topic,
      Object payload,
      String producerMessageId,
      String businessKey,
      String orderingKey,
      Map<String, String> headers,
      Instant deliverAfter,
      String contentType) {
    this(
        topic,
        payload,
        producerMessageId,
        businessKey,
        orderingKey,
        headers,
        deliverAfter,
        contentType,
        null,
        null);
  }

  /** A JSON message with only a topic and a payload. */
  public static PrepareMessageRequest of(String topic, Object payload) {
    return new PrepareMessageRequest(topic, payload, null, null, null, null, null, null);
  }

  /** A copy with the given idempotency key. */
  public PrepareMessageRequest withProducerMessageId(String id) {
    return new PrepareMessageRequest(
        topic,
        payload,
        id,
        businessKey,
        orderingKey,
        headers,
        deliverAfter,
        contentType,
        traceparent,
        tracestate);
  }

  /** A copy with the given business key. */
  public PrepareMessageRequest withBusinessKey(String key) {
    return new PrepareMessageRequest(
        topic,
        payload,
        producerMessageId,
        key,
        orderingKey,
        headers,
        deliverAfter,
        contentType,
        traceparent,
        tracestate);
  }

  /** A copy with the given user headers. */
  public PrepareMessageRequest withHeaders(Map<String, String> userHeaders) {
    return new PrepareMessageRequest(
        topic,
        payload,
        producerMessageId,
        businessKey,
        orderingKey,
        userHeaders,
        deliverAfter,
        contentType,
        traceparent,
        tracestate);
  }

  /** A copy that carries this W3C trace context ({@code tracestate} may be null). */
  public PrepareMessageRequest withTraceContext(String traceparent, String tracestate) {
    return new PrepareMessageRequest(
        topic,
        payload,
        producerMessageId,
        businessKey,
        orderingKey,
        headers,
        deliverAfter,
        contentType,
        traceparent,
        tracestate);
  }
}
