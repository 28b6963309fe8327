package io.rms.service.dashboard.login;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed logins per key (a user name or a client address) with a lock that doubles with every
 * failure past the free ones. Bounded: the least recently seen keys are dropped first. Not
 * thread-safe; {@link LoginThrottle} guards it.
 */
final class FailureCounts {
  private final int free;
  private final long firstLockMillis;
  private final long maxLockMillis;
  private final long forgetAfterMillis;
  private final Map<String, Failures> byKey;

  FailureCounts(int free, Duration firstLock, Duration maxLock, Duration forgetAfter, int tracked) {
    this.free = free;
    this.firstLockMillis = firstLock.toMillis();
    this.maxLockMillis = maxLock.toMillis();
    this.forgetAfterMillis = forgetAfter.toMillis();
    this.byKey =
        new LinkedHashMap<>(256, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
            return size() > tracked;
          }
        };
  }

  private static final class Failures {
    int count;
    long lastAt;
  }

  /** How many milliseconds the key stays locked from {@code now} (0: not locked). */
  long lockedFor(String key, long now) {
    Failures failures = current(key, now);
    if (failures == null || failures.count < free) {
      return 0;
    }
    return Math.max(0, failures.lastAt + lockMillis(failures.count) - now);
  }

  /** Counts a failure of the key at {@code now}. */
  void failed(String key, long now) {
    Failures failures = current(key, now);
    if (failures == null) {
      failures = new Failures();
      byKey.put(key, failures);
    }
    failures.count++;
    failures.lastAt = now;
  }

  /** Forgets the key's failures. */
  void forget(String key) {
    byKey.remove(key);
  }

  /** The lock after {@code count} failures: first-lock at {@code free}, doubling, capped. */
  long lockMillis(int count) {
    double lock = firstLockMillis * Math.pow(2, Math.min(count - free, 62));
    return (long) Math.min(maxLockMillis, lock);
  }

  private Failures current(String key, long now) {
    Failures failures = byKey.get(key);
    if (failures != null && now - failures.lastAt >= forgetAfterMillis) {
      byKey.remove(key);
      return null;
    }
    return failures;
  }
}
