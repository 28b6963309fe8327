package io.rms.service.recovery;

import io.rms.api.DeliveryStatus;
import io.rms.recovery.DeliveryKey;
import io.rms.recovery.RedeliveryPort;
import io.rms.service.config.Jitter;
import io.rms.service.config.RmsProperties;
import io.rms.service.message.DeliveryDispatcher;
import io.rms.service.message.DeliveryLifecycle;
import io.rms.service.message.EventStore;
import io.rms.service.message.EventType;
import io.rms.service.message.MessageStore;
import io.rms.service.message.PublishListener;
import io.rms.service.message.PublishRequest;
import io.rms.service.message.StoredMessage;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionInfo;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The redelivery port on PostgreSQL and the existing {@link DeliveryDispatcher}. Claims pick due
 * rows with {@code FOR UPDATE SKIP LOCKED} (index {@code delivery_due}) and push their {@code
 * next_attempt_at} a lease ahead in the same statement; changes lock rows in (message,
 * subscription) order like the ack path, so they cannot deadlock with acks, and compare-and-set on
 * status and attempts. Publishes handed over are tracked until their outcome is recorded ({@link
 * PublishListener}) to bound the sweep's publishes in flight; an entry whose outcome never comes (a
 * full publish queue) counts until its lease has passed.
 */
@Repository
class RedeliveryStore implements RedeliveryPort, PublishListener {
  private final JdbcTemplate jdbc;
  private final TransactionTemplate tx;
  private final EventStore events;
  private final Registry registry;
  private final DeliveryDispatcher dispatcher;
  private final MessageStore messageStore;
  private final Jitter jitter;
  private final long staleAfterNanos;
  private final Map<String, Long> inFlight = new ConcurrentHashMap<>();

  RedeliveryStore(
      JdbcTemplate jdbc,
      TransactionTemplate tx,
      EventStore events,
      Registry registry,
      DeliveryDispatcher dispatcher,
      MessageStore messageStore,
      Jitter jitter,
      RmsProperties properties) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.events = events;
    this.registry = registry;
    this.dispatcher = dispatcher;
    this.messageStore = messageStore;
    this.jitter = jitter;
    this.staleAfterNanos = properties.recovery().lease().toNanos();
  }

  @Override
  public List<DeliveryKey> claimOverdue(int limit, Duration lease) {
    return claim(DeliveryStatus.PUBLISHED, limit, lease);
  }

  @Override
  public List<DeliveryKey> claimDue(int limit, Duration lease) {
    return claim(DeliveryStatus.SCHEDULED, limit, lease);
  }

  private List<DeliveryKey> claim(DeliveryStatus status, int limit, Duration lease) {
    return jdbc.query(
        """
        with due as (
          select message_id, subscription from delivery
           where status = ? and next_attempt_at <= now()
           order by next_attempt_at
           limit ?
             for update skip locked
        )
        update delivery d
           set next_attempt_at = now() + ? * interval '1 millisecond'
          from due
         where d.message_id = due.message_id and d.subscription = due.subscription
        returning d.message_id, d.subscription, d.attempts, d.last_error
        """,
        RedeliveryStore::key,
        status.name(),
        limit,
        lease.toMillis());
  }

  static DeliveryKey key(ResultSet rs, int row) throws SQLException {
    return new DeliveryKey(
        rs.getObject("message_id", UUID.class),
        rs.getString("subscription"),
        rs.getInt("attempts"),
        rs.getString("last_error"));
  }

  @Override
  public Optional<DeliveryPolicy> policy(String subscription) {
    return registry
        .subscription(subscription)
        .map(
            s ->
                new DeliveryPolicy(
                    s.maxAttempts(), failures -> s.backoff().delay(failures, jitter)));
  }

  @Override
  public int retryLater(List<Retry> retries) {
    DeliveryLifecycle.check(DeliveryStatus.PUBLISHED, DeliveryStatus.SCHEDULED);
    List<DeliveryKey> keys = retries.stream().map(Retry::delivery).toList();
    long[] delays = retries.stream().mapToLong(r -> r.delay().toMillis()).toArray();
    return inTx(
        () -> {
          List<Instant> next = new ArrayList<>();
          List<DeliveryKey> changed =
              jdbc.query(
                  """
                  with input as (
                    select * from unnest(?::uuid[], ?::text[], ?::int[], ?::bigint[])
                               as t(message_id, subscription, attempts, delay_ms)
                  ), locked as (
                    select d.message_id, d.subscription
                      from delivery d join input i using (message_id, subscription)
                     where d.status = 'PUBLISHED' and d.attempts = i.attempts
                     order by d.message_id, d.subscription
                       for update of d
                  )
                  update delivery d
                     set status = 'SCHEDULED', ack_deadline = null,
                         next_attempt_at = now() + i.delay_ms * interval '1 millisecond',
                         last_error = 'no ack within the ack timeout (attempt ' || d.attempts || ')'
                    from input i join locked l using (message_id, subscription)
                   where d.message_id = i.message_id and d.subscription = i.subscription
                  returning d.message_id, d.subscription, d.attempts, d.last_error,
                            d.next_attempt_at
                  """,
                  (rs, i) -> {
                    next.add(rs.getTimestamp("next_attempt_at").toInstant());
                    return key(rs, i);
                  },
                  ids(keys),
                  subscriptions(keys),
                  attempts(keys),
                  delays);
          for (int i = 0; i < changed.size(); i++) {
            DeliveryKey d = changed.get(i);
            events.append(
                d.messageId(),
                EventType.ACK_TIMEOUT,
                d.subscription(),
                EventStore.SYSTEM,
                Map.of("attempt", d.attempts(), "nextAttemptAt", next.get(i).toString()));
          }
          return changed.size();
        });
  }

  @Override
  public int bury(List<DeliveryKey> dead, String reason) {
    DeliveryLifecycle.check(DeliveryStatus.PUBLISHED, DeliveryStatus.DEAD);
    return inTx(
        () -> {
          List<DeliveryKey> changed =
              jdbc.query(
                  """
                  with input as (
                    select * from unnest(?::uuid[], ?::text[], ?::int[])
                               as t(message_id, subscription, attempts)
                  ), locked as (
                    select d.message_id, d.subscription
                      from delivery d join input i using (message_id, subscription)
                     where d.status = 'PUBLISHED' and d.attempts = i.attempts
                     order by d.message_id, d.subscription
                       for update of d
                  )
                  update delivery d
                     set status = 'DEAD', next_attempt_at = null, ack_deadline = null,
                         last_error = coalesce(d.last_error || '; ', '') || ?
                    from input i join locked l using (message_id, subscription)
                   where d.message_id = i.message_id and d.subscription = i.subscription
                  returning d.message_id, d.subscription, d.attempts, d.last_error
                  """,
                  RedeliveryStore::key,
                  ids(dead),
                  subscriptions(dead),
                  attempts(dead),
                  reason);
          for (DeliveryKey d : changed) {
            events.append(
                d.messageId(),
                EventType.DEAD,
                d.subscription(),
                EventStore.SYSTEM,
                detail("reason", reason, "attempts", d.attempts(), "lastError", d.lastError()));
          }
          return changed.size();
        });
  }

  /**
   * Operator redeliver: moves the picked deliveries to SCHEDULED with a lease (so the sweep leaves
   * them alone while they are published right away) and returns them with their former status. One
   * delivery waits for its row lock; a bulk pick skips rows others hold.
   */
  List<Picked> pickForRedeliver(
      UUID messageId, String subscription, List<DeliveryStatus> from, int limit, Duration lease) {
    for (DeliveryStatus status : from) {
      if (status != DeliveryStatus.SCHEDULED) {
        DeliveryLifecycle.check(status, DeliveryStatus.SCHEDULED);
      }
    }
    return jdbc.query(
        """
        with picked as (
          select message_id, subscription, status from delivery
           where subscription = ? and (?::uuid is null or message_id = ?)
             and status = any(?::text[])
           order by message_id
           limit ?
             for update
        )
        update delivery d
           set status = 'SCHEDULED', ack_deadline = null,
               next_attempt_at = now() + ? * interval '1 millisecond'
          from picked p
         where d.message_id = p.message_id and d.subscription = p.subscription
        returning d.message_id, d.subscription, d.attempts, d.last_error, p.status as previous
        """
            .replace("for update", messageId == null ? "for update skip locked" : "for update"),
        (rs, i) -> new Picked(key(rs, i), DeliveryStatus.valueOf(rs.getString("previous"))),
        subscription,
        messageId,
        messageId,
        from.stream().map(Enum::name).toArray(String[]::new),
        limit,
        lease.toMillis());
  }

  /** A delivery an operator redelivers, with its status before. */
  record Picked(DeliveryKey delivery, DeliveryStatus previous) {}

  @Override
  public void publish(List<DeliveryKey> due) {
    if (due.isEmpty()) {
      return;
    }
    Map<UUID, StoredMessage> messages =
        messageStore.findAll(due.stream().map(DeliveryKey::messageId).toList());
    List<PublishRequest> requests = new ArrayList<>(due.size());
    for (DeliveryKey d : due) {
      StoredMessage m = messages.get(d.messageId());
      Optional<SubscriptionInfo> s = registry.subscription(d.subscription());
      if (m == null || s.isEmpty()) {
        continue; // the lease expires; nothing to publish to now
      }
      PublishRequest request = PublishRequest.of(m, s.get(), d.nextAttempt());
      inFlight.put(trackingKey(request), System.nanoTime());
      requests.add(request);
    }
    if (!requests.isEmpty()) {
      dispatcher.dispatch(requests);
    }
  }

  @Override
  public int inFlight() {
    long now = System.nanoTime();
    inFlight.values().removeIf(handedOver -> now - handedOver > staleAfterNanos);
    return inFlight.size();
  }

  @Override
  public void recorded(PublishRequest request) {
    inFlight.remove(trackingKey(request));
  }

  private static String trackingKey(PublishRequest r) {
    return r.messageId() + "/" + r.subscription() + "/" + r.attempt();
  }

  private int inTx(java.util.function.IntSupplier work) {
    Integer n = tx.execute(status -> work.getAsInt());
    return n == null ? 0 : n;
  }

  static UUID[] ids(List<DeliveryKey> keys) {
    return keys.stream().map(DeliveryKey::messageId).toArray(UUID[]::new);
  }

  static String[] subscriptions(List<DeliveryKey> keys) {
    return keys.stream().map(DeliveryKey::subscription).toArray(String[]::new);
  }

  static int[] attempts(List<DeliveryKey> keys) {
    return keys.stream().mapToInt(DeliveryKey::attempts).toArray();
  }

  /** Event detail without nulls. */
  static Map<String, Object> detail(Object... pairs) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] != null) {
        map.put((String) pairs[i], pairs[i + 1]);
      }
    }
    return map;
  }
}
