package io.rms.producer.internal;

import io.rms.api.MessageStatus;
import io.rms.api.PrepareMessageRequest;
import io.rms.producer.ReliableMessenger;
import io.rms.producer.SendOptions;
import io.rms.sdk.client.ResilientRmsClient;
import java.util.UUID;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Prepare before the local commit, log the id in the same transaction, confirm or cancel after it.
 */
public final class TransactionalMessenger implements ReliableMessenger {
  private final ResilientRmsClient client;
  private final Preparer preparer;
  private final PreparedLog log;
  private final Completer completer;

  /** Prepares with one call per message. */
  public TransactionalMessenger(ResilientRmsClient client, PreparedLog log, Completer completer) {
    this(client, new DirectPreparer(client), log, completer);
  }

  /** Prepares through {@code preparer} (e.g. a {@link BatchingPreparer}). */
  public TransactionalMessenger(
      ResilientRmsClient client, Preparer preparer, PreparedLog log, Completer completer) {
    this.client = client;
    this.preparer = preparer;
    this.log = log;
    this.completer = completer;
  }

  @Override
  public UUID send(String topic, Object payload, SendOptions options) {
    SendOptions o = options == null ? SendOptions.defaults() : options;
    // A producerMessageId makes prepare idempotent, so transient failures can be retried.
    String key =
        o.producerMessageId() != null ? o.producerMessageId() : UUID.randomUUID().toString();
    PrepareMessageRequest request =
        new PrepareMessageRequest(
            topic,
            payload,
            key,
            o.businessKey(),
            o.orderingKey(),
            o.headers(),
            o.deliverAfter(),
            null);
    if (!TransactionSynchronizationManager.isActualTransactionActive()
        || !TransactionSynchronizationManager.isSynchronizationActive()) {
      return client.call(c -> c.send(request)).id();
    }
    Preparer.Prepared prepared = preparer.prepare(request);
    if (prepared.status() == MessageStatus.CONFIRMED
        || prepared.status() == MessageStatus.DELIVERED) {
      return prepared.id(); // the same producerMessageId was sent and committed before
    }
    if (prepared.status() != MessageStatus.PREPARED) {
      throw new IllegalStateException(
          "producerMessageId "
              + key
              + " belongs to message "
              + prepared.id()
              + " which is "
              + prepared.status()
              + "; use a new producerMessageId");
    }
    UUID id = prepared.id();
    TransactionSynchronizationManager.registerSynchronization(new Finish(id, completer));
    log.recordInCurrentTransaction(id, topic);
    return id;
  }

  /** Confirms after commit, cancels after rollback; an unknown outcome is left to check-back. */
  private record Finish(UUID id, Completer completer) implements TransactionSynchronization {
    @Override
    public void afterCompletion(int status) {
      if (status == STATUS_COMMITTED) {
        completer.committed(id);
      } else if (status == STATUS_ROLLED_BACK) {
        completer.rolledBack(id);
      }
    }
  }
}
