package io.rms.service.dashboard.login;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code rms.dashboard.login.*} settings. A user name and a client address may each fail a
 * number of logins freely; every failure after that locks further attempts for a delay that doubles
 * with each failure, from {@code firstLock} up to {@code maxLock}. Failures are forgotten {@code
 * forgetAfter} the last one; a successful login forgets the user's.
 *
 * @param userFreeFailures failed logins of one user name before it is locked
 * @param clientFreeFailures failed logins from one client address before it is locked (higher: a
 *     NAT or an office shares one address)
 * @param firstLock the first lock's length; each further failure doubles it
 * @param maxLock the longest lock
 * @param forgetAfter how long after its last failure a name or address starts afresh
 * @param tracked how many names and how many addresses are remembered (least recently seen go
 *     first)
 * @param hashChecks password-hash checks that may run at once ({@code 0}: the number of cores)
 * @param hashWait how long a login waits for a hash check slot before it is answered 429
 * @param maxSessionsPerUser sessions a user may hold; a login beyond it ends the least recently
 *     used ones
 */
@ConfigurationProperties("rms.dashboard.login")
public record LoginProperties(
    @DefaultValue("5") int userFreeFailures,
    @DefaultValue("20") int clientFreeFailures,
    @DefaultValue("30s") Duration firstLock,
    @DefaultValue("15m") Duration maxLock,
    @DefaultValue("1h") Duration forgetAfter,
    @DefaultValue("100000") int tracked,
    @DefaultValue("0") int hashChecks,
    @DefaultValue("2s") Duration hashWait,
    @DefaultValue("5") int maxSessionsPerUser) {

  public LoginProperties {
    if (userFreeFailures < 1 || clientFreeFailures < 1 || tracked < 1 || maxSessionsPerUser < 1) {
      throw new IllegalStateException(
          "rms.dashboard.login: user-free-failures, client-free-failures, tracked and"
              + " max-sessions-per-user must be at least 1");
    }
    if (firstLock.isNegative() || firstLock.isZero() || maxLock.compareTo(firstLock) < 0) {
      throw new IllegalStateException(
          "rms.dashboard.login: first-lock must be positive and max-lock at least first-lock");
    }
  }

  /** Hash checks at once: the setting, or the number of cores. */
  int concurrentHashChecks() {
    return hashChecks > 0 ? hashChecks : Runtime.getRuntime().availableProcessors();
  }
}
