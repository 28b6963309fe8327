package io.rms.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {

  @ParameterizedTest(name = "after {0} failures the ceiling is {1} ms")
  @CsvSource({"1, 5000", "2, 10000", "3, 20000", "7, 320000", "8, 600000", "30, 600000"})
  void ceilingGrowsByTheMultiplierUpToTheCap(int failures, long ceilingMillis) {
    Backoff almostOne =
        Backoff.exponential(Duration.ofSeconds(5), 2.0, Duration.ofMinutes(10), () -> 0.999999);
    Backoff zero = Backoff.exponential(Duration.ofSeconds(5), 2.0, Duration.ofMinutes(10), () -> 0);
    assertThat(almostOne.delay(failures).toMillis()).isBetween(ceilingMillis - 1, ceilingMillis);
    assertThat(zero.delay(failures)).isZero();
  }

  @Test
  void jitterScalesTheCeiling() {
    Backoff half =
        Backoff.exponential(Duration.ofSeconds(4), 3.0, Duration.ofMinutes(1), () -> 0.5);
    assertThat(half.delay(2)).isEqualTo(Duration.ofSeconds(6));
  }

  @Test
  void nonsenseIsRejected() {
    assertThatThrownBy(
            () -> Backoff.exponential(Duration.ofSeconds(5), 0.5, Duration.ofMinutes(1), () -> 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> Backoff.exponential(Duration.ofMinutes(5), 2, Duration.ofMinutes(1), () -> 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
