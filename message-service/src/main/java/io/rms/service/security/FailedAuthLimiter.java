package io.rms.service.security;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * A token bucket per client address for failed API-key authentications (see {@link
 * AuthProperties}). It lives in this process's memory: each replica limits the addresses it sees,
 * and the number of remembered addresses is bounded.
 */
@Component
class FailedAuthLimiter {
  private final Clock clock;
  private final double capacity;
  private final double tokensPerMilli;
  private final Map<String, Bucket> buckets;

  FailedAuthLimiter(AuthProperties properties, Clock clock) {
    if (properties.failedBurst() < 1 || properties.failedPerMinute() < 1) {
      throw new IllegalStateException(
          "rms.auth.failed-burst and rms.auth.failed-per-minute must be at least 1");
    }
    this.clock = clock;
    this.capacity = properties.failedBurst();
    this.tokensPerMilli = properties.failedPerMinute() / 60_000.0;
    int tracked = properties.trackedAddresses();
    this.buckets =
        new LinkedHashMap<>(256, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > tracked;
          }
        };
  }

  private static final class Bucket {
    double tokens;
    long refilledAt;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.refilledAt = now;
    }
  }

  /** True when the address has used up its failed authentications for now. */
  synchronized boolean exhausted(String address) {
    Bucket bucket = buckets.get(address);
    return bucket != null && refill(bucket) < 1;
  }

  /** Takes one token from the address's bucket. */
  synchronized void failed(String address) {
    Bucket bucket = buckets.computeIfAbsent(address, a -> new Bucket(capacity, clock.millis()));
    bucket.tokens = Math.max(0, refill(bucket) - 1);
  }

  private double refill(Bucket bucket) {
    long now = clock.millis();
    bucket.tokens =
        Math.min(capacity, bucket.tokens + Math.max(0, now - bucket.refilledAt) * tokensPerMilli);
    bucket.refilledAt = now;
    return bucket.tokens;
  }
}
