package io.rms.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One key at a time, in arrival order; other keys never wait; no state left behind. */
class KeyTurnsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final KeyTurns turns = new KeyTurns();
  private final ExecutorService threads = Executors.newFixedThreadPool(8);

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  @Test
  void keysWithTheSameHashCodeRunAtTheSameTime() throws Exception {
    assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
    CyclicBarrier bothRunning = new CyclicBarrier(2);
    Future<Integer> aa = threads.submit(() -> turns.run("Aa", () -> meet(bothRunning)));
    Future<Integer> bb = threads.submit(() -> turns.run("BB", () -> meet(bothRunning)));

    assertThat(aa.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNotNegative();
    assertThat(bb.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNotNegative();
    assertThat(turns.keysInFlight()).isZero();
  }

  @Test
  void tasksOfOneKeyRunOneAtATimeInArrivalOrder() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    Queue<Integer> ran = new ConcurrentLinkedQueue<>();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    List<Thread> waiting = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int n = i;
      Thread t =
          new Thread(
              () ->
                  runQuietly(
                      "k",
                      () -> {
                        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                        if (n == 0) {
                          await(gate);
                        }
                        ran.add(n);
                        running.decrementAndGet();
                      }));
      t.start();
      waiting.add(t);
      // the next thread arrives only once this one holds the key or waits for its turn
      awaitBlocked(t);
    }
    assertThat(ran).isEmpty();
    gate.countDown();
    for (Thread t : waiting) {
      t.join(WAIT.toMillis());
    }

    assertThat(ran).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(mostAtOnce).hasValue(1);
    assertThat(turns.keysInFlight()).isZero();
  }

  @Test
  void manyThreadsNeverRunOneKeyTwiceAtOnceAndLeaveNoState() throws Exception {
    Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger mostKeysInFlight = new AtomicInteger();
    List<Future<?>> work = new ArrayList<>();
    for (int worker = 0; worker < 8; worker++) {
      int w = worker;
      work.add(
          threads.submit(
              () -> {
                for (int i = 0; i < 2_000; i++) {
                  // a few hot keys that collide often, and many that pass once
                  String key = i % 2 == 0 ? "hot-" + (i % 6) : "once-" + w + "-" + i;
                  runQuietly(
                      key,
                      () -> {
                        AtomicInteger onKey =
                            running.computeIfAbsent(key, k -> new AtomicInteger());
                        if (onKey.incrementAndGet() > 1) {
                          overlaps.incrementAndGet();
                        }
                        mostKeysInFlight.accumulateAndGet(turns.keysInFlight(), Math::max);
                        if (ThreadLocalRandom.current().nextInt(50) == 0) {
                          Thread.yield();
                        }
                        onKey.decrementAndGet();
                      });
                }
              }));
    }
    for (Future<?> f : work) {
      f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    assertThat(overlaps).as("runs of one key that overlapped").hasValue(0);
    assertThat(mostKeysInFlight.get()).as("at most one key per thread").isBetween(1, 8);
    assertThat(turns.keysInFlight()).as("entries left after 16,000 tasks").isZero();
  }

  @Test
  void aThrowingTaskGivesItsKeyToTheNext() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    Future<?> failing =
        threads.submit(
            () ->
                turns.run(
                    "k",
                    () -> {
                      await(gate);
                      throw new IllegalStateException("handler failed");
                    }));
    awaitKeys(1);
    Future<String> next = threads.submit(() -> turns.run("k", () -> "ran"));
    gate.countDown();

    assertThatThrownBy(() -> failing.get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .hasRootCauseMessage("handler failed");
    assertThat(next.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("ran");
    assertThat(turns.keysInFlight()).isZero();
  }

  @Test
  void anInterruptedWaiterLetsNoLaterTaskOvertakeTheRunningOne() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    AtomicReference<String> lastRan = new AtomicReference<>();
    Future<?> first =
        threads.submit(
            () ->
                turns.run(
                    "k",
                    () -> {
                      await(gate);
                      return lastRan.getAndSet("first");
                    }));
    awaitKeys(1);
    Thread interrupted = new Thread(() -> runQuietly("k", () -> lastRan.set("interrupted")));
    interrupted.start();
    awaitBlocked(interrupted);
    AtomicReference<String> thirdSaw = new AtomicReference<>();
    Thread third =
        new Thread(() -> runQuietly("k", () -> thirdSaw.set(lastRan.getAndSet("third"))));
    third.start();
    awaitBlocked(third);

    interrupted.interrupt();
    interrupted.join(WAIT.toMillis());
    Thread.sleep(50);
    assertThat(lastRan.get()).as("nothing ran beside the first task").isNull();
    assertThat(third.getState()).as("the third still waits").isEqualTo(Thread.State.WAITING);
    gate.countDown();

    assertThat(first.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNull();
    third.join(WAIT.toMillis());
    assertThat(thirdSaw).as("the third ran after the first").hasValue("first");
    assertThat(lastRan).hasValue("third");
    assertThat(turns.keysInFlight()).isZero();
  }

  private int meet(CyclicBarrier barrier) {
    try {
      return barrier.await(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      return -1;
    }
  }

  private void runQuietly(String key, Runnable task) {
    try {
      turns.run(
          key,
          () -> {
            task.run();
            return null;
          });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException("gate never opened");
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private void awaitKeys(int n) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (turns.keysInFlight() != n && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertThat(turns.keysInFlight()).isEqualTo(n);
  }

  /** Waits until {@code t} is parked: holding the key at a gate, or waiting for its turn. */
  private static void awaitBlocked(Thread t) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!blocked(t) && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertThat(blocked(t)).as("%s parked", t.getName()).isTrue();
  }

  private static boolean blocked(Thread t) {
    return t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING;
  }
}
