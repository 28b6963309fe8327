package io.rms.producer.internal;

import java.util.UUID;

/**
 * Finishes a prepared message once its local transaction is over. Called on the business thread
 * right after commit or rollback, so implementations must return at once and never throw.
 */
public interface Completer {

  /** The local transaction committed: confirm the message. */
  void committed(UUID messageId);

  /** The local transaction rolled back: cancel the message. */
  void rolledBack(UUID messageId);
}
