package io.rms.producer.internal;

import io.rms.api.BatchItemResult;
import io.rms.api.BatchResult;
import io.rms.api.MessageIdsRequest;
import io.rms.api.RmsClient;
import io.rms.sdk.client.ResilientRmsClient;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Confirms and cancels in {@code batch/confirm} and {@code batch/cancel} calls: what committed or
 * rolled back while a call was in flight leaves together in the next one. Transient failures are
 * retried with the long backoff; whatever it cannot finish (queue full, retries exhausted, process
 * exit) stays PREPARED at the service and is resolved by check-back from the {@link PreparedLog}.
 */
public final class BatchingCompleter implements Completer, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BatchingCompleter.class);

  private final ResilientRmsClient client;
  private final ScheduledExecutorService scheduler;
  private final Batcher<UUID> confirms;
  private final Batcher<UUID> cancels;

  /**
   * @param senders concurrent calls in flight, each for confirms and for cancels
   * @param maxSize most ids per call (at most 1,000)
   * @param capacity most ids waiting, each for confirms and for cancels
   */
  public BatchingCompleter(ResilientRmsClient client, int senders, int maxSize, int capacity) {
    this(client, senders, maxSize, capacity, Duration.ZERO);
  }

  /**
   * @param senders concurrent calls in flight, each for confirms and for cancels
   * @param maxSize most ids per call (at most 1,000)
   * @param capacity most ids waiting, each for confirms and for cancels
   * @param linger how long a call waits for more ids after the first, unless it fills first
   */
  public BatchingCompleter(
      ResilientRmsClient client, int senders, int maxSize, int capacity, Duration linger) {
    this.client = client;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "rms-complete-retry");
              t.setDaemon(true);
              return t;
            });
    this.confirms =
        new Batcher<>(
            "rms-confirm",
            senders,
            maxSize,
            capacity,
            linger,
            ids -> send("confirm", ids, (c, body) -> c.batchConfirm(body)));
    this.cancels =
        new Batcher<>(
            "rms-cancel",
            senders,
            maxSize,
            capacity,
            linger,
            ids -> send("cancel", ids, (c, body) -> c.batchCancel(body)));
  }

  @Override
  public void committed(UUID messageId) {
    queue(confirms, "confirm", messageId);
  }

  @Override
  public void rolledBack(UUID messageId) {
    queue(cancels, "cancel", messageId);
  }

  private static void queue(Batcher<UUID> batcher, String what, UUID id) {
    if (!batcher.offer(id)) {
      log.warn("{} of message {} not queued (queue full); check-back will resolve it", what, id);
    }
  }

  /** Confirms and cancels waiting for a call. */
  public int pending() {
    return confirms.waiting() + cancels.waiting();
  }

  private void send(
      String what, List<UUID> ids, BiFunction<RmsClient, MessageIdsRequest, BatchResult> call) {
    MessageIdsRequest body = new MessageIdsRequest(ids);
    BatchResult result;
    try {
      result =
          client
              .callInBackground(c -> call.apply(c, body), Runnable::run, scheduler)
              .toCompletableFuture()
              .join();
    } catch (CompletionException | IllegalStateException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      log.warn("{} of {} messages failed; check-back will resolve them", what, ids.size(), cause);
      return;
    }
    for (BatchItemResult item : result.items()) {
      if (!item.ok()) {
        log.warn(
            "{} of message {} refused: {} {}", what, item.id(), item.httpStatus(), item.detail());
      }
    }
  }

  /** Sends what is queued (up to 10 s), then stops. */
  @Override
  public void close() {
    confirms.close();
    cancels.close();
    scheduler.shutdownNow();
  }
}
