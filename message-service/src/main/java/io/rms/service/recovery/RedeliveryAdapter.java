package io.rms.service.recovery;

import io.rms.recovery.DeliveryKey;
import io.rms.recovery.RedeliveryPort;
import io.rms.service.config.Jitter;
import io.rms.service.message.DeliveryStore;
import io.rms.service.message.DueLeases;
import io.rms.service.message.EventStore;
import io.rms.service.message.EventType;
import io.rms.service.metrics.PullMetrics;
import io.rms.service.registry.DeliveryMode;
import io.rms.service.registry.Registry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The redelivery port on the delivery store: claims are {@link DueLeases} leases; an ack timeout
 * and a burial are the store's compare-and-set verbs, each recorded as events in the same
 * transaction; publishing is {@link RedeliveryPublisher}'s.
 */
@Component
class RedeliveryAdapter implements RedeliveryPort {
  private final DeliveryStore deliveries;
  private final DueLeases leases;
  private final RedeliveryPublisher publisher;
  private final EventStore events;
  private final Registry registry;
  private final Jitter jitter;
  private final TransactionTemplate tx;
  private final PullMetrics pullMetrics;

  RedeliveryAdapter(
      DeliveryStore deliveries,
      DueLeases leases,
      RedeliveryPublisher publisher,
      EventStore events,
      Registry registry,
      Jitter jitter,
      TransactionTemplate tx,
      PullMetrics pullMetrics) {
    this.pullMetrics = pullMetrics;
    this.deliveries = deliveries;
    this.leases = leases;
    this.publisher = publisher;
    this.events = events;
    this.registry = registry;
    this.jitter = jitter;
    this.tx = tx;
  }

  @Override
  public List<DeliveryKey> claimOverdue(int limit, Duration lease) {
    return leases.overdue(limit, lease);
  }

  @Override
  public List<DeliveryKey> claimDue(int limit, Duration lease) {
    // deliveries held for a subscription that is no longer ordered become due first
    deliveries.releaseUnordered(limit);
    return leases.dueToPublish(limit, lease);
  }

  @Override
  public Optional<DeliveryPolicy> policy(String subscription) {
    return registry
        .subscription(subscription)
        .map(s -> new DeliveryPolicy(s.maxAttempts(), s.backoff().jittered(jitter)));
  }

  @Override
  public int retryLater(List<Retry> retries) {
    List<DeliveryKey> keys = retries.stream().map(Retry::delivery).toList();
    long[] delays = retries.stream().mapToLong(r -> r.delay().toMillis()).toArray();
    return inTx(
        () -> {
          List<DeliveryStore.Retried> changed = deliveries.retryAfterAckTimeout(keys, delays);
          for (DeliveryStore.Retried r : changed) {
            events.append(
                r.delivery().messageId(),
                EventType.ACK_TIMEOUT,
                r.delivery().subscription(),
                EventStore.SYSTEM,
                Map.of(
                    "attempt",
                    r.delivery().attempts(),
                    "nextAttemptAt",
                    r.nextAttemptAt().toString()));
          }
          changed.forEach(r -> countExpiredLease(r.delivery().subscription()));
          return changed.size();
        });
  }

  /** An ack deadline passed on a pull subscription: a lease expired. */
  private void countExpiredLease(String subscription) {
    if (registry.subscription(subscription).map(s -> s.mode() == DeliveryMode.PULL).orElse(false)) {
      pullMetrics.expired(subscription);
    }
  }

  @Override
  public int bury(List<DeliveryKey> dead, String reason) {
    return inTx(
        () -> {
          List<DeliveryKey> changed = deliveries.buryAll(dead, reason);
          for (DeliveryKey d : changed) {
            events.append(
                d.messageId(),
                EventType.DEAD,
                d.subscription(),
                EventStore.SYSTEM,
                detail("reason", reason, "attempts", d.attempts(), "lastError", d.lastError()));
            countExpiredLease(d.subscription());
          }
          return changed.size();
        });
  }

  @Override
  public void publish(List<DeliveryKey> due) {
    publisher.publish(due);
  }

  @Override
  public int inFlight() {
    return publisher.inFlight();
  }

  private int inTx(java.util.function.IntSupplier work) {
    Integer n = tx.execute(status -> work.getAsInt());
    return n == null ? 0 : n;
  }

  /** Event detail without nulls. */
  private static Map<String, Object> detail(Object... pairs) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] != null) {
        map.put((String) pairs[i], pairs[i + 1]);
      }
    }
    return map;
  }
}
