package io.rms.service.dashboard.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rms.testsupport.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;

/** The cap on password-hash checks at once, and the growth of the lock, without a service. */
class ThrottledLoginTest {
  private final SettableClock clock = new SettableClock(Instant.parse("2026-12-07T00:00:00Z"));

  private static LoginProperties properties(int hashChecks, Duration hashWait) {
    return new LoginProperties(
        3,
        5,
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        Duration.ofHours(1),
        100,
        hashChecks,
        hashWait,
        5);
  }

  private static Authentication login(String user) {
    return UsernamePasswordAuthenticationToken.unauthenticated(user, "password");
  }

  @Test
  void noMoreHashesAreCheckedAtOnceThanTheCap() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger checking = new AtomicInteger();
    AuthenticationProvider slowHash =
        new AuthenticationProvider() {
          @Override
          public Authentication authenticate(Authentication a) {
            checking.incrementAndGet();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return UsernamePasswordAuthenticationToken.authenticated(a.getName(), null, null);
          }

          @Override
          public boolean supports(Class<?> type) {
            return true;
          }
        };
    LoginProperties cap = properties(2, Duration.ofMillis(50));
    ThrottledLogin logins =
        new ThrottledLogin(slowHash, new LoginThrottle(cap, clock), (u, c, r) -> {}, cap);
    CompletableFuture<Authentication> first =
        CompletableFuture.supplyAsync(() -> logins.authenticate(login("a")));
    CompletableFuture<Authentication> second =
        CompletableFuture.supplyAsync(() -> logins.authenticate(login("b")));
    while (checking.get() < 2) {
      Thread.onSpinWait();
    }
    assertThatThrownBy(() -> logins.authenticate(login("c")))
        .isInstanceOf(LoginThrottledException.class)
        .hasMessage("too many logins at once");
    assertThat(checking.get()).isEqualTo(2);
    release.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS).getName()).isEqualTo("a");
    assertThat(second.get(10, TimeUnit.SECONDS).getName()).isEqualTo("b");
    assertThat(logins.authenticate(login("c")).getName()).isEqualTo("c");
  }

  @Test
  void theLockDoublesWithEveryFailurePastTheFreeOnesUpToTheMaximum() {
    LoginProperties p = properties(1, Duration.ofSeconds(1));
    AuthenticationProvider wrong =
        new AuthenticationProvider() {
          @Override
          public Authentication authenticate(Authentication a) {
            throw new BadCredentialsException("wrong");
          }

          @Override
          public boolean supports(Class<?> type) {
            return true;
          }
        };
    LoginThrottle throttle = new LoginThrottle(p, clock);
    ThrottledLogin logins = new ThrottledLogin(wrong, throttle, (u, c, r) -> {}, p);
    long[] expected = {0, 0, 0, 30, 60, 120, 240, 300, 300};
    for (long seconds : expected) {
      assertThat(throttle.lockedFor("u", "unknown")).isEqualTo(Duration.ofSeconds(seconds));
      clock.advance(throttle.lockedFor("u", "unknown"));
      assertThatThrownBy(() -> logins.authenticate(login("u")))
          .isInstanceOf(BadCredentialsException.class);
    }
    clock.advance(Duration.ofHours(1));
    assertThat(throttle.lockedFor("u", "unknown")).isZero();
  }
}
