package io.rms.producer;

import java.time.Instant;
import java.util.Map;

/**
 * Optional properties of a message; build with the {@code with…} methods from {@link #defaults()}.
 *
 * @param producerMessageId idempotency key, unique per app; generated when absent
 * @param businessKey searchable key (an order number, ...)
 * @param orderingKey carried to consumers as {@code x-rms-ordering-key}
 * @param headers user headers (at most 32; no {@code x-rms-*})
 * @param deliverAfter earliest delivery time
 */
public record SendOptions(
    String producerMessageId,
    String businessKey,
    String orderingKey,
    Map<String, String> headers,
    Instant deliverAfter) {

  private static final SendOptions DEFAULTS = new SendOptions(null, null, null, null, null);

  /** No options. */
  public static SendOptions defaults() {
    return DEFAULTS;
  }

  /** Options with only a business key. */
  public static SendOptions businessKey(String key) {
    return DEFAULTS.withBusinessKey(key);
  }

  public SendOptions withProducerMessageId(String id) {
    return new SendOptions(id, businessKey, orderingKey, headers, deliverAfter);
  }

  public SendOptions withBusinessKey(String key) {
    return new SendOptions(producerMessageId, key, orderingKey, headers, deliverAfter);
  }

  public SendOptions withOrderingKey(String key) {
    return new SendOptions(producerMessageId, businessKey, key, headers, deliverAfter);
  }

  public SendOptions withHeaders(Map<String, String> userHeaders) {
    return new SendOptions(
        producerMessageId, businessKey, orderingKey, Map.copyOf(userHeaders), deliverAfter);
  }

  public SendOptions withDeliverAfter(Instant at) {
    return new SendOptions(producerMessageId, businessKey, orderingKey, headers, at);
  }
}
