package io.rms.producer.internal;

import io.rms.api.BatchItemResult;
import io.rms.api.BatchPrepareRequest;
import io.rms.api.BatchResult;
import io.rms.api.ErrorCode;
import io.rms.api.PrepareMessageRequest;
import io.rms.api.RmsApiException;
import io.rms.sdk.client.ResilientRmsClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Prepares of concurrent business transactions share one {@code batch/prepare} call: each caller
 * waits for its own item's result only. A lone prepare goes out at once; while a call is in flight
 * the next ones queue up and leave together. Every item carries a producerMessageId, so the whole
 * call can be retried; an item the service refuses fails only its own caller, with the status and
 * code the single call would have answered.
 */
public final class BatchingPreparer implements Preparer, AutoCloseable {
  private record Pending(PrepareMessageRequest request, CompletableFuture<Prepared> result) {}

  private final ResilientRmsClient client;
  private final Batcher<Pending> batcher;

  /**
   * @param senders concurrent {@code batch/prepare} calls in flight
   * @param maxSize most prepares per call (at most 1,000)
   * @param capacity most prepares waiting; beyond it a prepare fails at once
   */
  public BatchingPreparer(ResilientRmsClient client, int senders, int maxSize, int capacity) {
    this(client, senders, maxSize, capacity, Duration.ZERO);
  }

  /**
   * @param senders concurrent {@code batch/prepare} calls in flight
   * @param maxSize most prepares per call (at most 1,000)
   * @param capacity most prepares waiting; beyond it a prepare fails at once
   * @param linger how long a call waits for more prepares after the first, unless it fills first
   */
  public BatchingPreparer(
      ResilientRmsClient client, int senders, int maxSize, int capacity, Duration linger) {
    this.client = client;
    this.batcher = new Batcher<>("rms-prepare", senders, maxSize, capacity, linger, this::send);
  }

  @Override
  public Prepared prepare(PrepareMessageRequest request) {
    Pending pending = new Pending(request, new CompletableFuture<>());
    if (!batcher.offer(pending)) {
      throw new IllegalStateException(
          "too many prepares waiting for the message service; the send is refused");
    }
    try {
      return pending.result().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while preparing a message", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private void send(List<Pending> batch) {
    BatchResult answer;
    try {
      BatchPrepareRequest body =
          new BatchPrepareRequest(batch.stream().map(Pending::request).toList());
      answer = client.call(c -> c.batchPrepare(body));
    } catch (RuntimeException failed) {
      batch.forEach(p -> p.result().completeExceptionally(failed));
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      CompletableFuture<Prepared> result = batch.get(i).result();
      BatchItemResult item = i < answer.items().size() ? answer.items().get(i) : null;
      if (item == null || item.index() != i) {
        result.completeExceptionally(
            new IllegalStateException("batch/prepare answered no result for item " + i));
      } else if (item.ok()) {
        result.complete(new Prepared(item.id(), item.messageStatus()));
      } else {
        result.completeExceptionally(
            new RmsApiException(item.httpStatus(), ErrorCode.fromCode(item.code()), item.detail()));
      }
    }
  }

  @Override
  public void close() {
    batcher.close();
  }
}
