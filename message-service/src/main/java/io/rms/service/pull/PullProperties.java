package io.rms.service.pull;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code rms.pull.*} settings.
 *
 * @param maxWaiters long polls that may wait at once on one replica; one more is refused with 429
 *     {@code overloaded}
 * @param retryInterval how often a subscription with waiting long polls tries one lease for them
 *     (deliveries made ready by other replicas, or come due by time); deliveries this replica makes
 *     ready wake them at once
 * @param threads the threads that lease for waiting long polls (none waits on the database)
 */
@ConfigurationProperties("rms.pull")
public record PullProperties(
    @DefaultValue("1000") int maxWaiters,
    @DefaultValue("500ms") Duration retryInterval,
    @DefaultValue("2") int threads) {

  public PullProperties {
    if (maxWaiters < 0) {
      throw new IllegalArgumentException("rms.pull.max-waiters must not be negative");
    }
    if (retryInterval.isNegative() || retryInterval.isZero()) {
      throw new IllegalArgumentException("rms.pull.retry-interval must be positive");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("rms.pull.threads must be at least 1");
    }
  }
}
