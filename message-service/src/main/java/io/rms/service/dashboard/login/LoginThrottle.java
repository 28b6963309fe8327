package io.rms.service.dashboard.login;

import java.time.Clock;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Failed dashboard logins per user name and per client address (see {@link LoginProperties}). It
 * lives in this process's memory: each replica counts the attempts it sees, and the number of
 * remembered names and addresses is bounded.
 */
@Component
public class LoginThrottle {
  private final Clock clock;
  private final FailureCounts users;
  private final FailureCounts clients;

  LoginThrottle(LoginProperties properties, Clock clock) {
    this.clock = clock;
    this.users =
        new FailureCounts(
            properties.userFreeFailures(),
            properties.firstLock(),
            properties.maxLock(),
            properties.forgetAfter(),
            properties.tracked());
    this.clients =
        new FailureCounts(
            properties.clientFreeFailures(),
            properties.firstLock(),
            properties.maxLock(),
            properties.forgetAfter(),
            properties.tracked());
  }

  /** How long logins of this user from this client stay locked (zero: not locked). */
  public synchronized Duration lockedFor(String username, String client) {
    long now = clock.millis();
    return Duration.ofMillis(
        Math.max(users.lockedFor(key(username), now), clients.lockedFor(client, now)));
  }

  /** Counts a failed login of the user from the client. */
  public synchronized void failed(String username, String client) {
    long now = clock.millis();
    users.failed(key(username), now);
    clients.failed(client, now);
  }

  /** A successful login forgets the user's failures (the client's stay until they expire). */
  public synchronized void succeeded(String username) {
    users.forget(key(username));
  }

  /** Names longer than any user's are cut, so that no key is larger than a real name. */
  private static String key(String username) {
    return username.length() > 64 ? username.substring(0, 64) : username;
  }
}
