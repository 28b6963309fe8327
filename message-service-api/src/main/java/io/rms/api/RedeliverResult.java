package io.rms.api;

import java.util.List;
import java.util.UUID;

/** The deliveries an operator's redeliver scheduled and handed to the broker. */
public record RedeliverResult(List<Item> items) {

  /**
   * One redelivered delivery.
   *
   * @param previousStatus its status before the redeliver
   * @param attempt the attempt number of the publish ({@code x-rms-attempt})
   */
  public record Item(
      UUID messageId, String subscription, DeliveryStatus previousStatus, int attempt) {}
}
