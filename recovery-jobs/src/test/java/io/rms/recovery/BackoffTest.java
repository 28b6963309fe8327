package io.rms.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {
  private final ExponentialBackoff backoff =
      new ExponentialBackoff(Duration.ofSeconds(5), 2.0, Duration.ofMinutes(10));

  @ParameterizedTest(name = "after {0} failures the ceiling is {1} ms")
  @CsvSource({"0, 5000", "1, 5000", "2, 10000", "3, 20000", "7, 320000", "8, 600000", "30, 600000"})
  void ceilingGrowsByTheMultiplierUpToTheCap(int failures, long ceilingMillis) {
    assertThat(backoff.ceiling(failures)).isEqualTo(Duration.ofMillis(ceilingMillis));
    Backoff almostOne = backoff.jittered(() -> 0.999999);
    assertThat(almostOne.delay(failures).toMillis()).isBetween(ceilingMillis - 1, ceilingMillis);
    assertThat(backoff.jittered(() -> 0).delay(failures)).isZero();
  }

  @ParameterizedTest(name = "random {1} after {0} failures waits {2} ms")
  @CsvSource({"1, 0.0, 0", "1, 0.5, 2500", "3, 0.25, 5000", "3, 0.999, 19980", "20, 0.5, 300000"})
  void fullJitterScalesTheCeiling(int failures, double random, long expectedMillis) {
    assertThat(backoff.delay(failures, () -> random)).isEqualTo(Duration.ofMillis(expectedMillis));
    assertThat(backoff.jittered(() -> random).delay(failures))
        .isEqualTo(Duration.ofMillis(expectedMillis));
  }

  @Test
  void nonsenseIsRejected() {
    assertThatThrownBy(
            () -> new ExponentialBackoff(Duration.ofSeconds(5), 0.5, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new ExponentialBackoff(Duration.ofMinutes(5), 2, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
