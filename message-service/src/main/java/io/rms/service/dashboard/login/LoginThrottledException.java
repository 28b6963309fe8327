package io.rms.service.dashboard.login;

import java.time.Duration;
import org.springframework.security.core.AuthenticationException;

/** A login that was not checked: its user or client is locked, or no hash check slot was free. */
public class LoginThrottledException extends AuthenticationException {
  private final Duration retryAfter;

  LoginThrottledException(String message, Duration retryAfter) {
    super(message);
    this.retryAfter = retryAfter;
  }

  /** When to try again, in whole seconds (at least 1). */
  public long retryAfterSeconds() {
    return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
  }
}
