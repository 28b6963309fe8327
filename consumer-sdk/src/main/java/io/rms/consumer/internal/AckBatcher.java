package io.rms.consumer.internal;

import feign.codec.DecodeException;
import io.rms.api.AckResult;
import io.rms.api.Limits;
import io.rms.api.MessageIdsRequest;
import io.rms.sdk.client.ResilientRmsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acknowledges processed messages to the service in batches: a call as soon as {@code batchSize}
 * ids are waiting, else every {@code maxDelay}. An ack that fails for good is dropped: the service
 * redelivers after its ack timeout and the inbox turns that into another (cheap) ack. The per-id
 * outcomes are counted in {@link AckAnswers}; one this SDK does not know is logged, never thrown.
 */
public final class AckBatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AckBatcher.class);

  private final ResilientRmsClient client;
  private final int batchSize;
  private final Map<String, Queue<UUID>> waiting = new ConcurrentHashMap<>();
  private final AtomicInteger count = new AtomicInteger();
  private final AtomicInteger calls = new AtomicInteger();
  private final AckAnswers answers = new AckAnswers();
  private final ScheduledExecutorService scheduler;

  public AckBatcher(ResilientRmsClient client, int batchSize, Duration maxDelay) {
    this.client = client;
    this.batchSize = Math.max(1, Math.min(batchSize, Limits.MAX_BATCH));
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "rms-acks");
              t.setDaemon(true);
              return t;
            });
    long every = Math.max(1, maxDelay.toMillis());
    scheduler.scheduleWithFixedDelay(this::flushSafely, every, every, TimeUnit.MILLISECONDS);
  }

  /** Queues an ack of {@code messageId} for {@code subscription}. */
  public void add(String subscription, UUID messageId) {
    waiting.computeIfAbsent(subscription, s -> new ConcurrentLinkedQueue<>()).add(messageId);
    if (count.incrementAndGet() >= batchSize) {
      try {
        scheduler.execute(this::flushSafely);
      } catch (RejectedExecutionException closing) {
        // close() flushes what is left
      }
    }
  }

  /** Ack calls made so far. */
  public int calls() {
    return calls.get();
  }

  /** What the service answered to the ack calls so far. */
  public AckAnswers answers() {
    return answers;
  }

  /** Sends what is waiting now, on the caller's thread. */
  public void flushNow() {
    flushSafely();
  }

  private void flushSafely() {
    try {
      flush();
    } catch (RuntimeException e) {
      log.warn("acknowledging to the service failed", e);
    }
  }

  /** Sends everything waiting now, in calls of at most {@code batchSize} ids. */
  synchronized void flush() {
    for (Map.Entry<String, Queue<UUID>> entry : waiting.entrySet()) {
      Queue<UUID> queue = entry.getValue();
      while (!queue.isEmpty()) {
        List<UUID> ids = new ArrayList<>(batchSize);
        UUID id;
        while (ids.size() < batchSize && (id = queue.poll()) != null) {
          ids.add(id);
        }
        if (ids.isEmpty()) {
          break;
        }
        count.addAndGet(-ids.size());
        calls.incrementAndGet();
        try {
          AckResult result = client.call(c -> c.ack(entry.getKey(), new MessageIdsRequest(ids)));
          answers.read(entry.getKey(), ids, result);
        } catch (DecodeException e) {
          // a 2xx answer: the service took the acks; only its per-id outcomes are unreadable
          answers.unreadable(entry.getKey(), ids.size(), firstLine(e));
        } catch (RuntimeException e) {
          log.warn(
              "ack of {} messages of {} failed; the service will redeliver them",
              ids.size(),
              entry.getKey(),
              e);
        }
      }
    }
  }

  private static String firstLine(DecodeException e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    String text = String.valueOf(cause.getMessage());
    int end = text.indexOf('\n');
    return end < 0 ? text : text.substring(0, end);
  }

  /** Sends what is waiting, then stops. */
  @Override
  public void close() {
    scheduler.shutdown();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flushSafely();
  }
}
