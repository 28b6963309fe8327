package io.rms.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/** Closed-loop (as fast as N workers go) and open-loop (constant arrival rate) drivers. */
final class Load {
  private Load() {}

  /** One operation; {@code intendedStartNanos} is when it should have started. */
  @FunctionalInterface
  interface Op {
    void run(long intendedStartNanos) throws Exception;
  }

  /** Completed operations and the measured window. */
  record Run(long operations, double seconds, long errors) {
    double rate() {
      return operations / seconds;
    }
  }

  /** {@code workers} threads run {@code op} back to back for {@code seconds}. */
  static Run closed(int workers, double seconds, Op op) throws InterruptedException {
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    List<Thread> threads = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < workers; i++) {
      Thread t =
          new Thread(
              () -> {
                long cpu = ThreadCpu.currentThreadCpu();
                while (System.nanoTime() < end) {
                  try {
                    op.run(System.nanoTime());
                    done.incrementAndGet();
                  } catch (Exception e) {
                    errors.incrementAndGet();
                  }
                }
                ThreadCpu.workerCpu(cpu);
              },
              "bench-load-" + i);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    return new Run(done.get(), (System.nanoTime() - started) / 1e9, errors.get());
  }

  /**
   * Starts {@code op} at a constant {@code rate} per second for {@code seconds}, each with its
   * intended start time, on a pool large enough not to throttle the schedule; a slow service shows
   * as queueing delay in the latencies (no coordinated omission).
   */
  static Run open(double rate, double seconds, int poolSize, Op op, LongConsumer lateness)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(poolSize);
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long intervalNanos = (long) (1e9 / rate);
    long start = System.nanoTime();
    long total = (long) (rate * seconds);
    for (long i = 0; i < total; i++) {
      long intended = start + i * intervalNanos;
      long wait = intended - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      pool.execute(
          () -> {
            try {
              op.run(intended);
              done.incrementAndGet();
            } catch (Exception e) {
              errors.incrementAndGet();
            }
          });
    }
    pool.shutdown();
    pool.awaitTermination(5, TimeUnit.MINUTES);
    lateness.accept(System.nanoTime() - start);
    return new Run(done.get(), (System.nanoTime() - start) / 1e9, errors.get());
  }
}
