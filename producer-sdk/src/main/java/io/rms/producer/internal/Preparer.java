package io.rms.producer.internal;

import io.rms.api.MessageStatus;
import io.rms.api.PrepareMessageRequest;
import java.util.UUID;

/**
 * Prepares a message at the service for a business transaction that is waiting for the answer.
 * Throws what the service refused ({@link io.rms.api.RmsApiException}) or why it could not be
 * reached, so the business transaction fails.
 */
public interface Preparer {

  /** The message's id and status after the prepare (a repeat may find it confirmed already). */
  record Prepared(UUID id, MessageStatus status) {}

  /** Prepares the message; {@code request} carries a producerMessageId, so retries are safe. */
  Prepared prepare(PrepareMessageRequest request);
}
