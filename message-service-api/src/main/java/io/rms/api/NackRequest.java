package io.rms.api;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.UUID;

/**
 * Body of a nack: the consumer could not process the message.
 *
 * @param messageId the message
 * @param reason why (kept as the delivery's last error; truncated to 2,000 characters)
 * @param retry true (default) to redeliver after backoff, false to mark the delivery DEAD now
 */
public record NackRequest(@NotNull UUID messageId, @Size(max = 2000) String reason, Boolean retry) {

  /** Whether to retry; absent means yes. */
  public boolean retryOrDefault() {
    return retry == null || retry;
  }
}
