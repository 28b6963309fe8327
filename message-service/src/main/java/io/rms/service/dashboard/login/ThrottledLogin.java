package io.rms.service.dashboard.login;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * The form login's provider around the one that checks the password hash: a locked user or client
 * address is refused before any hash is computed; at most {@link
 * LoginProperties#concurrentHashChecks()} hashes are checked at once (a login that waits longer
 * than {@code hashWait} for a slot is refused too); a failure is counted and audited, a success
 * forgets the user's failures.
 */
public final class ThrottledLogin implements AuthenticationProvider {
  private static final Logger log = LoggerFactory.getLogger(ThrottledLogin.class);

  private final AuthenticationProvider passwords;
  private final LoginThrottle throttle;
  private final Failures audit;

  /** Where failures are recorded ({@link LoginAudit}). */
  interface Failures {
    void failed(String username, String client, String reason);
  }

  private final Semaphore hashChecks;
  private final Duration hashWait;

  ThrottledLogin(
      AuthenticationProvider passwords,
      LoginThrottle throttle,
      Failures audit,
      LoginProperties properties) {
    this.passwords = passwords;
    this.throttle = throttle;
    this.audit = audit;
    this.hashChecks = new Semaphore(properties.concurrentHashChecks(), true);
    this.hashWait = properties.hashWait();
  }

  @Override
  public Authentication authenticate(Authentication login) throws AuthenticationException {
    String username = login.getName() == null ? "" : login.getName();
    String client = client(login);
    Duration locked = throttle.lockedFor(username, client);
    if (!locked.isZero()) {
      log.info("dashboard login from {} refused: locked for {}", client, locked);
      throw new LoginThrottledException("too many failed logins", locked);
    }
    if (!acquire()) {
      throw new LoginThrottledException("too many logins at once", Duration.ofSeconds(1));
    }
    try {
      Authentication done = passwords.authenticate(login);
      throttle.succeeded(username);
      return done;
    } catch (BadCredentialsException | DisabledException e) {
      throttle.failed(username, client);
      audit.failed(
          username, client, e instanceof DisabledException ? "disabled" : "bad-credentials");
      throw e;
    } finally {
      hashChecks.release();
    }
  }

  private boolean acquire() {
    try {
      return hashChecks.tryAcquire(hashWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The client address Tomcat saw (the forwarded one only from trusted proxies). */
  private static String client(Authentication login) {
    return login.getDetails() instanceof WebAuthenticationDetails details
            && details.getRemoteAddress() != null
        ? details.getRemoteAddress()
        : "unknown";
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
  }
}
