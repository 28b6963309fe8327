package io.rms.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.testsupport.SettableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FailedAuthLimiterTest {
  private final SettableClock clock = new SettableClock(Instant.parse("2026-11-29T00:00:00Z"));

  private final FailedAuthLimiter limiter =
      new FailedAuthLimiter(new AuthProperties(3, 6, 2), clock);

  @Test
  void anAddressIsExhaustedAfterItsBurstAndRecoversAtTheRefillRate() {
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.exhausted("10.0.0.1")).isFalse();
      limiter.failed("10.0.0.1");
    }
    assertThat(limiter.exhausted("10.0.0.1")).isTrue();
    assertThat(limiter.exhausted("10.0.0.2")).isFalse();

    clock.advance(Duration.ofSeconds(9)); // 6 a minute: one token every 10 s
    assertThat(limiter.exhausted("10.0.0.1")).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(limiter.exhausted("10.0.0.1")).isFalse();
    limiter.failed("10.0.0.1");
    assertThat(limiter.exhausted("10.0.0.1")).isTrue();
  }

  @Test
  void failuresGoOnCountingWhileExhaustedAndTheBucketNeverExceedsItsBurst() {
    for (int i = 0; i < 10; i++) {
      limiter.failed("10.0.0.1");
    }
    clock.advance(Duration.ofSeconds(10));
    assertThat(limiter.exhausted("10.0.0.1")).isFalse();
    limiter.failed("10.0.0.1");
    assertThat(limiter.exhausted("10.0.0.1")).isTrue();

    clock.advance(Duration.ofHours(1));
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.exhausted("10.0.0.1")).isFalse();
      limiter.failed("10.0.0.1");
    }
    assertThat(limiter.exhausted("10.0.0.1")).isTrue();
  }

  @Test
  void onlyTheMostRecentlySeenAddressesAreRemembered() {
    for (int i = 0; i < 3; i++) {
      limiter.failed("10.0.0.1");
    }
    limiter.failed("10.0.0.2");
    limiter.failed("10.0.0.3"); // the limiter remembers two addresses: 10.0.0.1 is forgotten
    assertThat(limiter.exhausted("10.0.0.1")).isFalse();
  }
}
