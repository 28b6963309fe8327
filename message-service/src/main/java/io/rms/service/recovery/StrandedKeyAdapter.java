package io.rms.service.recovery;

import io.rms.recovery.DeliveryKey;
import io.rms.recovery.StrandedKeyPort;
import io.rms.service.config.RmsProperties;
import io.rms.service.message.StrandedKeys;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.stereotype.Component;

/**
 * The stranded-key port: {@link StrandedKeys} releases under the keys' locks; the released
 * deliveries are published at once by {@link RedeliveryPublisher} (a publish that does not happen
 * leaves them SCHEDULED for the redelivery sweep after the publish grace).
 */
@Component
class StrandedKeyAdapter implements StrandedKeyPort {
  private static final Logger log = LoggerFactory.getLogger(StrandedKeyAdapter.class);

  private final StrandedKeys stranded;
  private final RedeliveryPublisher publisher;
  private final Duration grace;

  StrandedKeyAdapter(
      StrandedKeys stranded, RedeliveryPublisher publisher, RmsProperties properties) {
    this.stranded = stranded;
    this.publisher = publisher;
    this.grace = properties.dispatch().publishGrace();
  }

  @Override
  public int releaseStranded(int limit) {
    List<DeliveryKey> released;
    try {
      released = stranded.release(limit, grace);
    } catch (PessimisticLockingFailureException e) {
      // a command holding a row of these keys crossed the sweep; the next run tries again
      log.info("stranded-key sweep gave way to a concurrent command: {}", e.getMessage());
      return 0;
    }
    if (!released.isEmpty()) {
      log.warn("stranded-key sweep released {} waiting deliveries", released.size());
      publisher.publish(released);
    }
    return released.size();
  }
}
