package io.rms.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionSweepTest {
  private final List<Integer> batches = new ArrayList<>();
  private int remaining;
  private final RetentionPort port =
      (age, limit) -> {
        assertThat(age).isEqualTo(Duration.ofDays(7));
        int deleted = Math.min(limit, remaining);
        remaining -= deleted;
        batches.add(deleted);
        return deleted;
      };
  private final RetentionSweep sweep =
      new RetentionSweep(
          port,
          Duration.ofDays(7),
          100,
          3,
          new SweepMeter(new SimpleMeterRegistry(), Clock.systemUTC()));

  @Test
  void deletesInBatchesUntilABatchComesBackShort() {
    remaining = 250;
    assertThat(sweep.run()).isEqualTo(250);
    assertThat(batches).containsExactly(100, 100, 50);
  }

  @Test
  void oneRunStopsAfterMaxBatches() {
    remaining = 1000;
    assertThat(sweep.run()).isEqualTo(300);
    assertThat(batches).containsExactly(100, 100, 100);
  }

  @Test
  void nothingOldMeansOneCheapQuery() {
    remaining = 0;
    assertThat(sweep.run()).isZero();
    assertThat(batches).containsExactly(0);
  }
}
