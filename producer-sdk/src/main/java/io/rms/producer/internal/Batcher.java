package io.rms.producer.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Natural batching: items queue up while the senders are busy, and each sender takes everything
 * waiting (at most {@code maxSize}) into one call. Without a linger nothing waits for a batch to
 * fill: an idle sender sends a lone item at once, so batches grow only when calls queue up anyway.
 * With a linger (a Kafka producer's {@code linger.ms}) a sender that took an item waits up to that
 * long for more before it calls, unless the batch fills first: fewer, larger calls for work nobody
 * waits on (confirms after the commit), at the price of that much latency.
 *
 * @param <T> what is queued
 */
final class Batcher<T> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Batcher.class);

  private static final long CLOSE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final BlockingQueue<T> queue;
  private final int maxSize;
  private final long lingerNanos;
  private final Consumer<List<T>> send;
  private final List<Thread> senders = new ArrayList<>();
  private volatile boolean closed;

  /**
   * @param name thread name prefix
   * @param senders concurrent calls in flight
   * @param maxSize most items per call
   * @param capacity most items waiting; {@link #offer} refuses beyond it
   * @param linger how long a sender waits for more items after the first (zero: not at all)
   * @param send makes one call for the items; must not throw (it is told of its own failures)
   */
  Batcher(
      String name,
      int senders,
      int maxSize,
      int capacity,
      Duration linger,
      Consumer<List<T>> send) {
    this.queue = new ArrayBlockingQueue<>(Math.max(1, capacity));
    this.maxSize = Math.max(1, maxSize);
    this.lingerNanos = Math.max(0, linger.toNanos());
    this.send = send;
    for (int i = 0; i < Math.max(1, senders); i++) {
      Thread t = new Thread(this::loop, name + "-" + i);
      t.setDaemon(true);
      t.start();
      this.senders.add(t);
    }
  }

  /** Queues the item; false when the queue is full or the batcher is closed. */
  boolean offer(T item) {
    return !closed && queue.offer(item);
  }

  /** Items waiting for a sender. */
  int waiting() {
    return queue.size();
  }

  private void loop() {
    List<T> batch = new ArrayList<>(maxSize);
    while (!closed || !queue.isEmpty()) {
      try {
        T first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxSize - 1);
        linger(batch);
        send.accept(List.copyOf(batch));
      } catch (InterruptedException e) {
        if (closed) {
          break;
        }
      } catch (RuntimeException e) {
        log.warn("a batched call failed", e);
      } finally {
        batch.clear();
      }
    }
  }

  /**
   * Adds what arrives within the linger to {@code batch}, until it is full or the batcher closes;
   * an interrupt ends the wait but not the batch, which is still sent.
   */
  private void linger(List<T> batch) {
    long deadline = System.nanoTime() + lingerNanos;
    while (batch.size() < maxSize && !closed) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      T next;
      try {
        // in slices, so a close ends the wait within one
        next = queue.poll(Math.min(left, CLOSE_CHECK_NANOS), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (next != null) {
        batch.add(next);
        queue.drainTo(batch, maxSize - batch.size());
      }
    }
  }

  /** Sends what is queued (senders finish within {@code wait}), then stops. */
  void close(long waitMillis) {
    closed = true;
    long deadline = System.currentTimeMillis() + waitMillis;
    for (Thread t : senders) {
      try {
        t.join(Math.max(1, deadline - System.currentTimeMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    senders.forEach(Thread::interrupt);
  }

  @Override
  public void close() {
    close(10_000);
  }
}
