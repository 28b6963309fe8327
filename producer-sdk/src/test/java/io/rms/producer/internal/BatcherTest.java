package io.rms.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatcherTest {
  private final LinkedBlockingQueue<List<Integer>> calls = new LinkedBlockingQueue<>();

  private Batcher<Integer> batcher(int maxSize, Duration linger) {
    return new Batcher<>("test", 1, maxSize, 100, linger, calls::add);
  }

  @Test
  void withoutLingerALoneItemLeavesAtOnce() throws Exception {
    try (Batcher<Integer> b = batcher(10, Duration.ZERO)) {
      b.offer(1);
      assertThat(calls.poll(1, TimeUnit.SECONDS)).containsExactly(1);
      Thread.sleep(100);
      b.offer(2);
      assertThat(calls.poll(1, TimeUnit.SECONDS)).containsExactly(2);
    }
  }

  @Test
  void aLingeringCallTakesWhatArrivesMeanwhile() throws Exception {
    try (Batcher<Integer> b = batcher(10, Duration.ofMillis(600))) {
      long start = System.nanoTime();
      b.offer(1);
      Thread.sleep(100);
      b.offer(2);
      Thread.sleep(100);
      b.offer(3);
      List<Integer> call = calls.poll(2, TimeUnit.SECONDS);
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(call).containsExactly(1, 2, 3);
      assertThat(tookMillis).isGreaterThanOrEqualTo(500);
      assertThat(calls).isEmpty();
    }
  }

  @Test
  void aFullBatchDoesNotWaitForTheLinger() throws Exception {
    try (Batcher<Integer> b = batcher(3, Duration.ofSeconds(30))) {
      long start = System.nanoTime();
      b.offer(1);
      b.offer(2);
      b.offer(3);
      assertThat(calls.poll(2, TimeUnit.SECONDS)).containsExactly(1, 2, 3);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
    }
  }

  @Test
  void closingEndsTheLingerAndStillSendsTheBatch() throws Exception {
    Batcher<Integer> b = batcher(10, Duration.ofSeconds(30));
    b.offer(1);
    Thread.sleep(100); // the sender holds it and lingers
    long start = System.nanoTime();
    b.close(5_000);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
    assertThat(calls.poll(1, TimeUnit.SECONDS)).containsExactly(1);
    assertThat(b.offer(2)).isFalse();
  }
}
