package io.rms.service.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {
  private final RetryPolicy policy =
      new RetryPolicy(Duration.ofSeconds(5), 2.0, Duration.ofMinutes(10));

  @ParameterizedTest(name = "after {0} attempts the ceiling is {1} ms")
  @CsvSource({"0, 5000", "1, 5000", "2, 10000", "3, 20000", "7, 320000", "8, 600000", "30, 600000"})
  void ceilingGrowsExponentiallyUpToTheCap(int attempts, long ceilingMillis) {
    assertThat(policy.ceiling(attempts)).isEqualTo(Duration.ofMillis(ceilingMillis));
  }

  @ParameterizedTest(name = "random {1} after {0} attempts waits {2} ms")
  @CsvSource({"1, 0.0, 0", "1, 0.5, 2500", "3, 0.25, 5000", "3, 0.999, 19980", "20, 0.5, 300000"})
  void fullJitterScalesTheCeiling(int attempts, double random, long expectedMillis) {
    assertThat(policy.delay(attempts, () -> random)).isEqualTo(Duration.ofMillis(expectedMillis));
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(policy.nextAttemptAt(attempts, now, () -> random))
        .isEqualTo(now.plusMillis(expectedMillis));
  }

  @org.junit.jupiter.api.Test
  void nonsenseBackoffIsRefused() {
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(5), 0.5, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofMinutes(5), 2, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
