package io.rms.api;

import java.util.List;
import java.util.UUID;

/**
 * The deliveries an operator's discard finished.
 *
 * @param items one per discarded delivery
 * @param released deliveries of ordered subscriptions that the discards released (the next message
 *     of each key), handed to the broker
 */
public record DiscardResult(List<Discarded> items, int released) {

  /**
   * One discarded delivery.
   *
   * @param attempts the publishes it had
   * @param lastError why it died
   */
  public record Discarded(UUID messageId, String subscription, int attempts, String lastError) {}
}
