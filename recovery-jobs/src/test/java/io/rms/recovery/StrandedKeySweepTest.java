package io.rms.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StrandedKeySweepTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<Integer> limits = new ArrayList<>();

  @Test
  void aRunReleasesAtMostOneBatchAndIsMeasured() {
    StrandedKeySweep sweep =
        new StrandedKeySweep(
            limit -> {
              limits.add(limit);
              return 3;
            },
            50,
            new SweepMeter(meters, Clock.systemUTC()));
    assertThat(sweep.run()).isEqualTo(3);
    assertThat(limits).containsExactly(50);
    assertThat(
            meters
                .get("rms.sweep.batch.size")
                .tag("sweep", StrandedKeySweep.NAME)
                .summary()
                .totalAmount())
        .isEqualTo(3);
  }

  @Test
  void aBatchSizeBelowOneIsRefused() {
    assertThatThrownBy(
            () -> new StrandedKeySweep(limit -> 0, 0, new SweepMeter(meters, Clock.systemUTC())))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
