package io.rms.api;

import java.util.UUID;

/**
 * An operator gives up on DEAD deliveries: one ({@code messageId} and {@code subscription}) or bulk
 * ({@code subscription}, {@code status} DEAD and {@code limit}, default 100, at most 1,000). A
 * discarded delivery is finished without an ack; on an ordered subscription the next message of its
 * ordering key is released.
 */
public record DiscardRequest(
    UUID messageId, String subscription, DeliveryStatus status, Integer limit) {

  /** The DEAD delivery of one message. */
  public static DiscardRequest one(UUID messageId, String subscription) {
    return new DiscardRequest(messageId, subscription, null, null);
  }

  /** Up to {@code limit} DEAD deliveries of a subscription. */
  public static DiscardRequest deadOf(String subscription, int limit) {
    return new DiscardRequest(null, subscription, DeliveryStatus.DEAD, limit);
  }
}
