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
    @Size(max = 200) String contentType) {

  /** A JSON message with only a topic and a payload. */
  public static PrepareMessageRequest of(String topic, Object payload) {
    return new PrepareMessageRequest(topic, payload, null, null, null, null, null, null);
  }

  /** A copy with the given idempotency key. */
  public PrepareMessageRequest withProducerMessageId(String id) {
    return new PrepareMessageRequest(
        topic, payload, id, businessKey, orderingKey, headers, deliverAfter, contentType);
  }

  /** A copy with the given business key. */
  public PrepareMessageRequest withBusinessKey(String key) {
    return new PrepareMessageRequest(
        topic, payload, producerMessageId, key, orderingKey, headers, deliverAfter, contentType);
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
        contentType);
  }
}
