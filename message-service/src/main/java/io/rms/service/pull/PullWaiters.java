package io.rms.service.pull;

import io.rms.api.ErrorCode;
import io.rms.api.PullResult;
import io.rms.service.message.ReadyDeliveries;
import io.rms.service.metrics.PullMetrics;
import io.rms.service.problem.RmsProblem;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * The long polls waiting on this replica, by subscription. A waiting poll is a {@link
 * DeferredResult} in memory: it holds no database connection and no thread. A subscription with
 * waiting polls is tried (one lease statement when nothing is due) when this replica hands over
 * deliveries for it ({@link #ready}) and every {@code rms.pull.retry-interval} (deliveries made
 * ready by other replicas or by time); at most one try per subscription runs at a time, and wakes
 * that arrive meanwhile run one more. Polls are served in arrival order; one that ends without a
 * delivery answers an empty list.
 */
@Component
public class PullWaiters implements ReadyDeliveries, SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(PullWaiters.class);

  private final PullCommands commands;
  private final PullProperties properties;
  private final Map<String, Queue<Waiter>> waiting = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> wakes = new ConcurrentHashMap<>();
  private final AtomicInteger count = new AtomicInteger();
  private volatile ScheduledThreadPoolExecutor executor;

  PullWaiters(PullCommands commands, PullProperties properties, PullMetrics metrics) {
    this.commands = commands;
    this.properties = properties;
    metrics.waiters(count::get);
  }

  /** A waiting long poll. */
  private record Waiter(DeferredResult<PullResult> result, int max, Duration lease) {}

  /**
   * Registers a long poll of up to {@code wait} for up to {@code max} deliveries leased for {@code
   * lease}; refused with 429 {@code overloaded} when {@code rms.pull.max-waiters} wait already.
   */
  DeferredResult<PullResult> await(String subscription, int max, Duration lease, Duration wait) {
    if (count.incrementAndGet() > properties.maxWaiters()) {
      count.decrementAndGet();
      throw new RmsProblem(
          ErrorCode.OVERLOADED,
          "as many long polls wait on this replica as it allows ("
              + properties.maxWaiters()
              + "); retry later");
    }
    Waiter waiter = new Waiter(new DeferredResult<>(wait.toMillis(), PullResult.EMPTY), max, lease);
    Queue<Waiter> queue = waiting.computeIfAbsent(subscription, s -> new ConcurrentLinkedQueue<>());
    waiter
        .result()
        .onCompletion(
            () -> {
              queue.remove(waiter);
              count.decrementAndGet();
            });
    queue.add(waiter);
    // deliveries made ready between the caller's first try and now are not missed
    wake(subscription);
    return waiter.result();
  }

  /** Polls waiting on this replica now. */
  int waiting() {
    return count.get();
  }

  /** Deliveries of these subscriptions were committed on this replica, due now. */
  @Override
  public void ready(Set<String> subscriptions) {
    subscriptions.forEach(this::wake);
  }

  /** Tries to serve the subscription's waiting polls soon (no-op when none waits). */
  void wake(String subscription) {
    Queue<Waiter> queue = waiting.get(subscription);
    ScheduledThreadPoolExecutor pool = executor;
    if (queue == null || queue.isEmpty() || pool == null) {
      return;
    }
    AtomicInteger pending = wakes.computeIfAbsent(subscription, s -> new AtomicInteger());
    if (pending.getAndIncrement() == 0) {
      try {
        pool.execute(() -> serve(subscription, queue, pending));
      } catch (RejectedExecutionException stopped) {
        pending.set(0);
      }
    }
  }

  /** Serves waiters while leases find deliveries; then once more if woken meanwhile. */
  private void serve(String subscription, Queue<Waiter> queue, AtomicInteger pending) {
    do {
      pending.set(1);
      try {
        serveOnce(subscription, queue);
      } catch (RuntimeException e) {
        // the polls keep waiting; the next wake or retry tries again
        log.warn("pull lease for {} failed: {}", subscription, e.toString());
      }
    } while (!pending.compareAndSet(1, 0));
  }

  private void serveOnce(String subscription, Queue<Waiter> queue) {
    for (Waiter waiter : queue) {
      if (waiter.result().isSetOrExpired()) {
        continue;
      }
      PullResult leased = commands.lease(subscription, waiter.max(), waiter.lease());
      if (leased.deliveries().isEmpty()) {
        return;
      }
      if (!waiter.result().setResult(leased)) {
        // the poll ended while its lease was taken: the deliveries go back, due now, to the next
        commands.giveBack(subscription, leased);
        continue;
      }
      if (leased.deliveries().size() < waiter.max()) {
        return; // nothing more is due
      }
    }
  }

  /** Tries every subscription with waiting polls once (what the periodic retry does). */
  void retryAll() {
    // a subscription's queue stays once made (one per pull subscription polled on this replica)
    waiting.keySet().forEach(this::wake);
  }

  @Override
  public void start() {
    ScheduledThreadPoolExecutor pool =
        new ScheduledThreadPoolExecutor(
            properties.threads(),
            runnable -> {
              Thread t = new Thread(runnable, "rms-pull");
              t.setDaemon(true);
              return t;
            });
    long every = properties.retryInterval().toMillis();
    pool.scheduleWithFixedDelay(this::retryAll, every, every, TimeUnit.MILLISECONDS);
    executor = pool;
  }

  @Override
  public void stop() {
    ScheduledThreadPoolExecutor pool = executor;
    executor = null;
    if (pool != null) {
      pool.shutdownNow();
    }
    // the waiting polls end now, empty, instead of with the closing server
    waiting.values().forEach(queue -> queue.forEach(w -> w.result().setResult(PullResult.EMPTY)));
  }

  @Override
  public boolean isRunning() {
    return executor != null;
  }
}
