package io.rms.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatsFoldSweepTest {
  private final List<Long> folds = new ArrayList<>();
  private long due;
  private boolean lost;
  private final StatsFoldPort port =
      (lag, limit) -> {
        assertThat(lag).isEqualTo(Duration.ofMinutes(1));
        long folded = lost ? -1 : Math.min(limit, due);
        due -= Math.max(0, folded);
        folds.add(folded);
        return folded;
      };
  private final StatsFoldSweep sweep =
      new StatsFoldSweep(
          port,
          Duration.ofMinutes(1),
          100,
          3,
          new SweepMeter(new SimpleMeterRegistry(), Clock.systemUTC()));

  @Test
  void foldsInBatchesUntilCaughtUp() {
    due = 250;
    assertThat(sweep.run()).isEqualTo(250);
    assertThat(folds).containsExactly(100L, 100L, 50L);
  }

  @Test
  void oneRunStopsAfterMaxBatches() {
    due = 1000;
    assertThat(sweep.run()).isEqualTo(300);
    assertThat(folds).containsExactly(100L, 100L, 100L);
  }

  @Test
  void aFoldLostToAnotherInstanceEndsTheRun() {
    due = 1000;
    lost = true;
    assertThat(sweep.run()).isZero();
    assertThat(folds).containsExactly(-1L);
  }

  @Test
  void refusesANegativeLag() {
    assertThatThrownBy(
            () ->
                new StatsFoldSweep(
                    port,
                    Duration.ofSeconds(-1),
                    100,
                    3,
                    new SweepMeter(new SimpleMeterRegistry(), Clock.systemUTC())))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
