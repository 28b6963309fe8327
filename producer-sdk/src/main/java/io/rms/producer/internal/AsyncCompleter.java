package io.rms.producer.internal;

import io.rms.api.MessageView;
import io.rms.api.RmsClient;
import io.rms.sdk.client.ResilientRmsClient;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Confirms and cancels on a small pool, retrying transient failures with backoff (no thread held
 * while waiting). Whatever it cannot finish (pool full, retries exhausted, process exit) stays
 * PREPARED at the service and is resolved by check-back from the {@link PreparedLog}.
 */
public final class AsyncCompleter implements Completer, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AsyncCompleter.class);

  private final ResilientRmsClient client;
  private final ThreadPoolExecutor executor;
  private final ScheduledExecutorService scheduler;

  public AsyncCompleter(ResilientRmsClient client, int threads, int queueCapacity) {
    this.client = client;
    AtomicInteger n = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queueCapacity),
            r -> daemon(r, "rms-complete-" + n.incrementAndGet()));
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "rms-complete-retry"));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void committed(UUID messageId) {
    run("confirm", messageId, c -> c.confirm(messageId));
  }

  @Override
  public void rolledBack(UUID messageId) {
    run("cancel", messageId, c -> c.cancel(messageId));
  }

  private void run(String what, UUID id, Function<RmsClient, MessageView> call) {
    try {
      client
          .callInBackground(call, executor, scheduler)
          .whenComplete(
              (view, error) -> {
                if (error != null) {
                  Throwable cause =
                      error instanceof CompletionException && error.getCause() != null
                          ? error.getCause()
                          : error;
                  log.warn("{} of message {} failed; check-back will resolve it", what, id, cause);
                }
              });
    } catch (RejectedExecutionException | IllegalStateException full) {
      log.warn("{} of message {} not queued ({}); check-back will resolve it", what, id, full);
    }
  }

  /** Work still queued or running. */
  public int pending() {
    return executor.getQueue().size() + executor.getActiveCount();
  }

  /** Lets queued work finish (up to 10 s), then stops. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    scheduler.shutdownNow();
    executor.shutdownNow();
  }
}
