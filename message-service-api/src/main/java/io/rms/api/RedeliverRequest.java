package io.rms.api;

import java.util.UUID;

/**
 * An operator's request to publish deliveries again: one ({@code messageId} and {@code
 * subscription}: a DEAD, PUBLISHED or SCHEDULED delivery is published now) or bulk ({@code
 * subscription}, {@code status} DEAD and {@code limit}, default 100, at most 1,000).
 */
public record RedeliverRequest(
    UUID messageId, String subscription, DeliveryStatus status, Integer limit) {

  /** One delivery of a message. */
  public static RedeliverRequest one(UUID messageId, String subscription) {
    return new RedeliverRequest(messageId, subscription, null, null);
  }

  /** Up to {@code limit} DEAD deliveries of a subscription. */
  public static RedeliverRequest deadOf(String subscription, int limit) {
    return new RedeliverRequest(null, subscription, DeliveryStatus.DEAD, limit);
  }
}
