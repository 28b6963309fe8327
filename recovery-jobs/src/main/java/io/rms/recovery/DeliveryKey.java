package io.rms.recovery;

import java.util.UUID;

/**
 * A delivery as the redelivery sweep sees it.
 *
 * @param attempts the attempts already made (the compare-and-set key of every change)
 * @param lastError the last recorded failure, null if none
 */
public record DeliveryKey(UUID messageId, String subscription, int attempts, String lastError) {

  /** The attempt number the next publish carries ({@code x-rms-attempt}). */
  public int nextAttempt() {
    return attempts + 1;
  }
}
