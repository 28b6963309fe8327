package io.rms.producer;

import java.util.UUID;

/**
 * Sends a message that becomes visible to consumers if and only if the caller's local transaction
 * commits.
 *
 * <p>Inside a Spring-managed transaction, {@code send} prepares the message at the service at once
 * (a failure throws and so fails the business transaction), records its id in the producer's own
 * database in the same transaction, and confirms it after commit or cancels it after rollback, in
 * the background. If the process dies before confirming, the service checks back and the SDK
 * answers from that record. Outside a transaction the message is sent (prepared and confirmed) in
 * one call.
 */
public interface ReliableMessenger {

  /** Sends {@code payload} (serialized as JSON) on {@code topic}; returns the message id. */
  default UUID send(String topic, Object payload) {
    return send(topic, payload, SendOptions.defaults());
  }

  /** Sends {@code payload} on {@code topic} with idempotency key, keys, headers or a delay. */
  UUID send(String topic, Object payload, SendOptions options);
}
