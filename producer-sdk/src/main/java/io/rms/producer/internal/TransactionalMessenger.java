package io.rms.producer.internal;

import io.rms.api.MessageStatus;
import io.rms.api.PrepareMessageRequest;
import io.rms.producer.ReliableMessenger;
import io.rms.producer.SendOptions;
import io.rms.sdk.client.ResilientRmsClient;
import io.rms.sdk.client.SdkTracing;
import java.util.Map;
import java.util.UUID;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Prepare before the local commit, log the id in the same transaction, confirm or cancel after it.
 *
 * <p>Without a {@link PreparedLog} (null) nothing is written in the business transaction: the
 * application's own {@code CheckBackResolver} answers check-back from its business rows, so the log
 * row would be an insert (and a later delete) per send that nobody reads.
 */
public final class TransactionalMessenger implements ReliableMessenger {
  private final ResilientRmsClient client;
  private final Preparer preparer;
  private final PreparedLog log; // null: no log, the application answers check-back itself
  private final Completer completer;
  private final SdkTracing tracing;

  /** Prepares with one call per message; {@code log} null: none kept. */
  public TransactionalMessenger(ResilientRmsClient client, PreparedLog log, Completer completer) {
    this(client, new DirectPreparer(client), log, completer);
  }

  /**
   * Prepares through {@code preparer} (e.g. a {@link BatchingPreparer}); {@code log} null: none.
   */
  public TransactionalMessenger(
      ResilientRmsClient client, Preparer preparer, PreparedLog log, Completer completer) {
    this(client, preparer, log, completer, SdkTracing.NONE);
  }

  /**
   * Prepares through {@code preparer}; each message carries the trace context of a producer span
   * that {@code tracing} opens under the caller's current span. {@code log} null: no log kept.
   */
  public TransactionalMessenger(
      ResilientRmsClient client,
      Preparer preparer,
      PreparedLog log,
      Completer completer,
      SdkTracing tracing) {
    this.client = client;
    this.preparer = preparer;
    this.log = log;
    this.completer = completer;
    this.tracing = tracing;
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
      return tracing.producer(
          "rms.send " + topic, trace -> client.call(c -> c.send(traced(request, trace))).id());
    }
    Preparer.Prepared prepared =
        tracing.producer("rms.prepare " + topic, trace -> preparer.prepare(traced(request, trace)));
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
    if (log != null) {
      log.recordInCurrentTransaction(id, topic);
    }
    return id;
  }

  private static PrepareMessageRequest traced(
      PrepareMessageRequest request, Map<String, String> trace) {
    String traceparent = trace.get(SdkTracing.TRACEPARENT);
    return traceparent == null
        ? request
        : request.withTraceContext(traceparent, trace.get(SdkTracing.TRACESTATE));
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
