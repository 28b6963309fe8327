package io.rms.api;

import java.util.List;
import java.util.Map;

/**
 * Counts for the calling app: its messages by topic and status, its subscriptions' deliveries by
 * status, and the ages of the oldest stuck work.
 */
public record StatsView(
    List<TopicStats> topics,
    List<SubscriptionStats> subscriptions,
    Double oldestPreparedAgeSeconds,
    Double oldestUnackedAgeSeconds) {

  /** Messages of one topic by status. */
  public record TopicStats(String topic, Map<MessageStatus, Long> messages) {}

  /**
   * Deliveries of one subscription by status.
   *
   * @param parkedKeys on an ordered subscription, the ordering keys held by a DEAD delivery (their
   *     later messages stay WAITING until an operator redelivers or discards it); 0 otherwise
   */
  public record SubscriptionStats(
      String subscription, Map<DeliveryStatus, Long> deliveries, long parkedKeys) {}
}
