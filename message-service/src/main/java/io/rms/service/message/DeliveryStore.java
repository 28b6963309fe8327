package io.rms.service.message;

import static io.rms.service.message.MessageStore.instant;

import io.rms.api.DeliveryStatus;
import io.rms.api.DeliveryView;
import io.rms.recovery.DeliveryKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Delivery rows. The transitions are verbs ({@link #markPublished}, {@link #markAcked}, {@link
 * #reschedule}, {@link #markDead}), each a compare-and-set on status (and attempts where a
 * concurrent republish could race) whose sources come from {@link DeliveryLifecycle}.
 */
@Component // not @Repository: JdbcTemplate translates exceptions already; the proxy only cost CPU
public class DeliveryStore {
  private final JdbcTemplate jdbc;

  DeliveryStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Creates one delivery per (message, subscription) pair, in one statement: WAITING when the pair
   * says so (an ordered subscription; {@link OrderedKeys} releases it), else SCHEDULED. A scheduled
   * delivery is due at its message's {@code deliverAfter} when that is in the future (by the
   * database clock); otherwise it is published at once and the sweep looks at it again only after
   * {@code grace}. Returns the pairs to publish now (scheduled and not delayed).
   */
  List<NewDelivery> createScheduledAll(List<NewDelivery> pairs, Duration grace) {
    return jdbc.query(
        """
        with input as (
          select t.message_id, t.subscription, t.deliver_after::timestamptz > now() as delayed,
                 t.deliver_after::timestamptz as deliver_after, t.waiting
            from unnest(?::uuid[], ?::text[], ?::text[], ?::boolean[])
                   as t(message_id, subscription, deliver_after, waiting)
        ), created as (
          insert into delivery (message_id, subscription, status, next_attempt_at)
          select message_id, subscription,
                 case when waiting then 'WAITING' else 'SCHEDULED' end,
                 case when waiting then null
                      when delayed then deliver_after
                      else now() + ? * interval '1 millisecond' end
            from input
          returning message_id, subscription
        )
        select c.message_id, c.subscription from created c
          join input i using (message_id, subscription)
         where i.delayed is not true and not i.waiting
        """,
        (rs, i) -> new NewDelivery(rs.getObject(1, UUID.class), rs.getString(2), null, false, null),
        pairs.stream().map(NewDelivery::messageId).toArray(UUID[]::new),
        pairs.stream().map(NewDelivery::subscription).toArray(String[]::new),
        pairs.stream()
            .map(p -> p.deliverAfter() == null ? null : p.deliverAfter().toString())
            .toArray(String[]::new),
        toBooleans(pairs),
        grace.toMillis());
  }

  private static Boolean[] toBooleans(List<NewDelivery> pairs) {
    return pairs.stream().map(NewDelivery::waiting).toArray(Boolean[]::new);
  }

  /**
   * WAITING → SCHEDULED for the head of each (subscription, topic, ordering key) triple, and of
   * each key in {@code byTopic} on every ordered subscription that the database (not a replica's
   * cached registry) has for the key's topic, active or not. A key's head there is its first
   * message (in {@code order_seq}) that still holds the key back: PREPARED, IN_DOUBT, or CONFIRMED
   * with its delivery to that subscription not yet ACKED or DISCARDED; it is released when its
   * delivery is WAITING. The caller holds the keys' locks. Returns the released deliveries to
   * publish now (not delayed by {@code deliverAfter}; those are due then).
   */
  List<NewDelivery> releaseHeads(
      List<String[]> triples, Collection<OrderedKeys.Key> byTopic, Duration grace) {
    return jdbc
        .query(
            """
        with input as (
          select * from unnest(?::text[], ?::text[], ?::text[])
                     as t(subscription, topic, ordering_key)
          union
          select s.name, k.topic, k.ordering_key
            from unnest(?::text[], ?::text[]) as k(topic, ordering_key)
            join subscription s on s.topic = k.topic and s.ordered
        ), head as (
          select i.subscription, h.id, h.deliver_after
            from input i
            cross join lateral (
              select m.id, m.deliver_after from message m
               where m.topic = i.topic and m.ordering_key = i.ordering_key
                 and %s
               order by m.order_seq
               limit 1) h
        )
        update delivery d
           set status = 'SCHEDULED',
               next_attempt_at = case when h.deliver_after > now() then h.deliver_after
                                      else now() + ? * interval '1 millisecond' end
          from head h
         where d.message_id = h.id and d.subscription = h.subscription
           and d.status = any(?::text[])
        returning d.message_id, d.subscription, h.deliver_after > now() as delayed, d.replay_id
        """
                .formatted(KeyHeads.holds("m", "i.subscription")),
            (rs, i) ->
                rs.getBoolean("delayed")
                    ? null
                    : new NewDelivery(
                        rs.getObject(1, UUID.class),
                        rs.getString(2),
                        null,
                        false,
                        rs.getString("replay_id")),
            triples.stream().map(t -> t[0]).toArray(String[]::new),
            triples.stream().map(t -> t[1]).toArray(String[]::new),
            triples.stream().map(t -> t[2]).toArray(String[]::new),
            byTopic.stream().map(OrderedKeys.Key::topic).toArray(String[]::new),
            byTopic.stream().map(OrderedKeys.Key::orderingKey).toArray(String[]::new),
            grace.toMillis(),
            DeliveryLifecycle.guard(DeliveryStatus.SCHEDULED, DeliveryStatus.WAITING))
        .stream()
        .filter(java.util.Objects::nonNull)
        .toList();
  }

  /**
   * WAITING → SCHEDULED, due now, for up to {@code limit} deliveries of subscriptions that are no
   * longer ordered (an admin switched ordering off): nothing would release them otherwise. Returns
   * how many changed.
   */
  public int releaseUnordered(int limit) {
    return jdbc.update(
        """
        with freed as (
          select d.message_id, d.subscription
            from subscription s join delivery d on d.subscription = s.name
           where not s.ordered and d.status = any(?::text[])
           limit ?
             for update of d skip locked
        )
        update delivery d set status = 'SCHEDULED', next_attempt_at = now()
          from freed f
         where d.message_id = f.message_id and d.subscription = f.subscription
        """,
        DeliveryLifecycle.guard(DeliveryStatus.SCHEDULED, DeliveryStatus.WAITING),
        limit);
  }

  /**
   * A delivery to create: its message, subscription, the message's deliverAfter, and whether it
   * waits for its ordering key; a released one also names the replay its cycle belongs to (null for
   * a first cycle).
   */
  record NewDelivery(
      UUID messageId,
      String subscription,
      Instant deliverAfter,
      boolean waiting,
      String replayId) {}

  /**
   * SCHEDULED → PUBLISHED for deliveries whose publish the broker confirmed, in one statement.
   * Guarded by status and by {@code attempts = attempt - 1}, so a slow confirm of an older publish
   * cannot overwrite a newer one. Returns how many rows changed.
   */
  int markPublished(List<Published> published) {
    if (published.isEmpty()) {
      return 0;
    }
    return jdbc.update(
        MARK_PUBLISHED,
        published.stream().map(Published::messageId).toArray(UUID[]::new),
        published.stream().map(Published::subscription).toArray(String[]::new),
        published.stream().mapToInt(Published::attempt).toArray(),
        published.stream().mapToLong(p -> p.ackTimeout().toMillis()).toArray(),
        DeliveryLifecycle.guard(DeliveryStatus.PUBLISHED, DeliveryStatus.SCHEDULED));
  }

  /**
   * The PUBLISHED booking: like the ack ({@link #MARK_ACKED}), each delivery is found by its
   * message id alone, locked in (message id, subscription) order and updated from the status and
   * attempts it has then, so the plan does not depend on statistics.
   */
  static final String MARK_PUBLISHED =
      """
      with input as (
        select * from unnest(?::uuid[], ?::text[], ?::int[], ?::bigint[])
                   as t(message_id, subscription, attempt, ack_timeout_ms)
         order by message_id, subscription
      ), locked as (
        select i.message_id, i.subscription, i.attempt, i.ack_timeout_ms
          from input i
          cross join lateral (
            select 1 from delivery d
             where d.message_id = i.message_id
               and d.subscription is not distinct from i.subscription
               for update
          ) l
      )
      update delivery d
         set status = 'PUBLISHED', attempts = l.attempt, published_at = now(),
             ack_deadline = now() + l.ack_timeout_ms * interval '1 millisecond',
             next_attempt_at = now() + l.ack_timeout_ms * interval '1 millisecond'
        from locked l
       where d.message_id = l.message_id and d.subscription is not distinct from l.subscription
         and array_position(?::text[], d.status) is not null and d.attempts = l.attempt - 1
      """;

  /** A confirmed publish: the attempt number it carried and the subscription's ack timeout. */
  public record Published(UUID messageId, String subscription, int attempt, Duration ackTimeout) {}

  /**
   * Records why a publish failed and when to try again; the delivery stays SCHEDULED and no attempt
   * is consumed. False if the delivery moved on meanwhile.
   */
  boolean recordPublishFailure(
      UUID messageId, String subscription, int attempt, String error, Duration retryIn) {
    return jdbc.update(
            """
            update delivery
               set last_error = ?, next_attempt_at = now() + ? * interval '1 millisecond'
             where message_id = ? and subscription = ? and status = ? and attempts = ?
            """,
            truncate(error),
            retryIn.toMillis(),
            messageId,
            subscription,
            DeliveryStatus.SCHEDULED.name(),
            attempt - 1)
        == 1;
  }

  /**
   * → ACKED for the subscription's deliveries of these messages (from any state that allows it).
   * Rows are locked in message-id order. Returns the message ids whose delivery changed.
   */
  List<UUID> markAcked(String subscription, UUID[] messageIds) {
    return jdbc.query(
        MARK_ACKED,
        (rs, i) -> rs.getObject(1, UUID.class),
        messageIds,
        subscription,
        subscription,
        DeliveryLifecycle.sourceNames(DeliveryStatus.ACKED));
  }

  /**
   * The ack's statement: each delivery is looked up by its message id (the primary key's first
   * column), locked in message-id order, and updated from the status it has then. No condition but
   * the message id can use an index (the subscription is compared with {@code is not distinct
   * from}, the status with {@code array_position}), so the plan cannot depend on statistics: with a
   * plain filter on the subscription or the status, a subscription that was rare when the table was
   * last analyzed made its index look cheapest, and every ack call then read all of the
   * subscription's open deliveries (the backlog it was acking, so the slower the acks the more each
   * read). The update finds the rows by key, not by the locked version's address: a row that a
   * concurrent transaction changed before the lock is updated in its newest version.
   */
  static final String MARK_ACKED =
      """
      with locked as (
        select l.message_id
          from (select distinct id from unnest(?::uuid[]) as u(id) order by id) t
          cross join lateral (
            select d.message_id from delivery d
             where d.message_id = t.id and d.subscription is not distinct from ?
               for update
          ) l
      )
      update delivery d
         set status = 'ACKED', acked_at = now(), next_attempt_at = null, ack_deadline = null,
             -- acked before the publish bookkeeping landed: the consumer had attempt 1
             attempts = greatest(d.attempts, 1)
        from locked l
       where d.message_id = l.message_id and d.subscription is not distinct from ?
         and array_position(?::text[], d.status) is not null
      returning d.message_id
      """;

  /** Which of these messages have a delivery for the subscription. */
  List<UUID> existing(String subscription, UUID[] messageIds) {
    return jdbc.query(
        "select message_id from delivery where subscription = ? and message_id = any(?::uuid[])",
        (rs, i) -> rs.getObject(1, UUID.class),
        subscription,
        messageIds);
  }

  /** The status of each of these messages' deliveries for the subscription (absent: none). */
  Map<UUID, DeliveryStatus> statuses(String subscription, UUID[] messageIds) {
    Map<UUID, DeliveryStatus> statuses = new HashMap<>();
    jdbc.query(
        """
        select message_id, status from delivery
         where subscription = ? and message_id = any(?::uuid[])
        """,
        rs -> {
          statuses.put(rs.getObject(1, UUID.class), DeliveryStatus.valueOf(rs.getString("status")));
        },
        subscription,
        messageIds);
    return statuses;
  }

  /** One delivery's state, for read-then-compare-and-set commands. */
  Optional<DeliveryState> state(UUID messageId, String subscription) {
    return state(messageId, subscription, "");
  }

  /**
   * One delivery's state with its row locked for the rest of the transaction (nack): the
   * compare-and-set that follows cannot lose a race, so the answer is the state it acted on.
   */
  Optional<DeliveryState> lockedState(UUID messageId, String subscription) {
    return state(messageId, subscription, "for update");
  }

  private Optional<DeliveryState> state(UUID messageId, String subscription, String lock) {
    return jdbc
        .query(
            """
            select status, attempts, next_attempt_at from delivery
             where message_id = ? and subscription = ?
            """
                + lock,
            (rs, i) ->
                new DeliveryState(
                    DeliveryStatus.valueOf(rs.getString("status")),
                    rs.getInt("attempts"),
                    instant(rs, "next_attempt_at")),
            messageId,
            subscription)
        .stream()
        .findFirst();
  }

  /** A delivery's status, attempts and next attempt time. */
  record DeliveryState(DeliveryStatus status, int attempts, Instant nextAttemptAt) {}

  /**
   * {@code from} → SCHEDULED, due after {@code delay}; guarded by status and attempts. Returns the
   * new due time, or empty if the row moved on.
   */
  Optional<Instant> reschedule(
      UUID messageId, String subscription, DeliveryState from, Duration delay, String error) {
    String[] source = DeliveryLifecycle.guard(DeliveryStatus.SCHEDULED, from.status());
    return jdbc
        .query(
            """
            update delivery
               set status = 'SCHEDULED', next_attempt_at = now() + ? * interval '1 millisecond',
                   ack_deadline = null, last_error = ?
             where message_id = ? and subscription = ? and status = any(?::text[]) and attempts = ?
            returning next_attempt_at
            """,
            (rs, i) -> rs.getTimestamp(1).toInstant(),
            delay.toMillis(),
            truncate(error),
            messageId,
            subscription,
            source,
            from.attempts())
        .stream()
        .findFirst();
  }

  /**
   * A nack of the first copy while its publish is not booked yet (SCHEDULED, attempts 0: the
   * consumer already has the copy its nack is about): books that attempt and reschedules it, so the
   * late bookkeeping, which expects attempts 0, no longer applies. Returns the next attempt's time
   * if this call won the compare-and-set.
   */
  Optional<Instant> rescheduleFirstCopy(
      UUID messageId, String subscription, Duration delay, String error) {
    // in one step: the late copy is booked (SCHEDULED → PUBLISHED) and nacked (→ SCHEDULED)
    String[] booked = DeliveryLifecycle.guard(DeliveryStatus.PUBLISHED, DeliveryStatus.SCHEDULED);
    DeliveryLifecycle.check(DeliveryStatus.PUBLISHED, DeliveryStatus.SCHEDULED);
    return jdbc
        .query(
            """
            update delivery
               set attempts = 1, published_at = coalesce(published_at, now()),
                   next_attempt_at = now() + ? * interval '1 millisecond', ack_deadline = null,
                   last_error = ?
             where message_id = ? and subscription = ? and status = any(?::text[])
               and attempts = 0
            returning next_attempt_at
            """,
            (rs, i) -> rs.getTimestamp(1).toInstant(),
            delay.toMillis(),
            truncate(error),
            messageId,
            subscription,
            booked)
        .stream()
        .findFirst();
  }

  /**
   * {@code from} → DEAD with the last error, counting at least {@code attempts}; guarded by status
   * and attempts.
   */
  boolean markDead(
      UUID messageId, String subscription, DeliveryState from, int attempts, String error) {
    return jdbc.update(
            """
            update delivery
               set status = 'DEAD', next_attempt_at = null, ack_deadline = null, last_error = ?,
                   attempts = greatest(attempts, ?)
             where message_id = ? and subscription = ? and status = any(?::text[])
               and attempts = ?
            """,
            truncate(error),
            attempts,
            messageId,
            subscription,
            DeliveryLifecycle.guard(DeliveryStatus.DEAD, from.status()),
            from.attempts())
        == 1;
  }

  /** Records a nack's reason on a delivery that stays as it is (already rescheduled). */
  void recordError(UUID messageId, String subscription, String error) {
    jdbc.update(
        "update delivery set last_error = ? where message_id = ? and subscription = ?",
        truncate(error),
        messageId,
        subscription);
  }

  // --- recovery: leases of due rows, and the sweep's and operators' transitions ----------------

  /**
   * PUBLISHED → SCHEDULED after an ack timeout, each due after its delay; guarded by status and
   * attempts, rows locked in (message, subscription) order like the ack path. Returns the changed
   * deliveries with their next attempt time.
   */
  public List<Retried> retryAfterAckTimeout(List<DeliveryKey> keys, long[] delayMillis) {
    return jdbc.query(
        """
        with input as (
          select * from unnest(?::uuid[], ?::text[], ?::int[], ?::bigint[])
                     as t(message_id, subscription, attempts, delay_ms)
        ), locked as (
          select d.message_id, d.subscription
            from delivery d join input i using (message_id, subscription)
           where d.status = any(?::text[]) and d.attempts = i.attempts
           order by d.message_id, d.subscription
             for update of d
        )
        update delivery d
           set status = 'SCHEDULED', ack_deadline = null,
               next_attempt_at = now() + i.delay_ms * interval '1 millisecond',
               last_error = 'no ack within the ack timeout (attempt ' || d.attempts || ')'
          from input i join locked l using (message_id, subscription)
         where d.message_id = i.message_id and d.subscription = i.subscription
        returning d.message_id, d.subscription, d.attempts, d.last_error, d.next_attempt_at
        """,
        (rs, i) -> new Retried(key(rs, i), rs.getTimestamp("next_attempt_at").toInstant()),
        ids(keys),
        subscriptions(keys),
        attempts(keys),
        delayMillis,
        DeliveryLifecycle.guard(DeliveryStatus.SCHEDULED, DeliveryStatus.PUBLISHED));
  }

  /** A delivery moved back to SCHEDULED and when it is due. */
  public record Retried(DeliveryKey delivery, Instant nextAttemptAt) {}

  /**
   * PUBLISHED → DEAD (attempts used up), appending {@code reason} to the last error; guarded by
   * status and attempts, rows locked in (message, subscription) order. Returns the changed ones.
   */
  public List<DeliveryKey> buryAll(List<DeliveryKey> keys, String reason) {
    return jdbc.query(
        """
        with input as (
          select * from unnest(?::uuid[], ?::text[], ?::int[])
                     as t(message_id, subscription, attempts)
        ), locked as (
          select d.message_id, d.subscription
            from delivery d join input i using (message_id, subscription)
           where d.status = any(?::text[]) and d.attempts = i.attempts
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
        DeliveryStore::key,
        ids(keys),
        subscriptions(keys),
        attempts(keys),
        DeliveryLifecycle.guard(DeliveryStatus.DEAD, DeliveryStatus.PUBLISHED),
        reason);
  }

  /**
   * An operator's redeliver: moves the picked deliveries ({@code from} any of the given states) to
   * SCHEDULED with a lease, so the sweep leaves them alone while they are published right away, and
   * returns them with their former status. One delivery ({@code messageId} given) waits for its row
   * lock; a bulk pick skips rows others hold. A SCHEDULED one stays SCHEDULED and is leased.
   */
  public List<Rescheduled> rescheduleNow(
      UUID messageId, String subscription, List<DeliveryStatus> from, int limit, Duration lease) {
    List<String> sources = new ArrayList<>();
    for (DeliveryStatus status : from) {
      // a SCHEDULED delivery stays SCHEDULED: it is only leased and published now
      sources.add(
          status == DeliveryStatus.SCHEDULED
              ? status.name()
              : DeliveryLifecycle.guard(DeliveryStatus.SCHEDULED, status)[0]);
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
        (rs, i) -> new Rescheduled(key(rs, i), DeliveryStatus.valueOf(rs.getString("previous"))),
        subscription,
        messageId,
        messageId,
        sources.toArray(String[]::new),
        limit,
        lease.toMillis());
  }

  /** A delivery an operator redelivers, with its status before. */
  public record Rescheduled(DeliveryKey delivery, DeliveryStatus previous) {}

  /**
   * DEAD → DISCARDED: an operator gives up on the message's delivery ({@code messageId} given; it
   * waits for the row lock) or on up to {@code limit} of the subscription's DEAD deliveries (rows
   * others hold are skipped). Returns the discarded deliveries.
   */
  public List<DeliveryKey> discard(UUID messageId, String subscription, int limit) {
    return jdbc.query(
        """
        with picked as (
          select message_id, subscription from delivery
           where subscription = ? and (?::uuid is null or message_id = ?)
             and status = any(?::text[])
           order by message_id
           limit ?
             for update
        )
        update delivery d
           set status = 'DISCARDED', discarded_at = now(), next_attempt_at = null,
               ack_deadline = null
          from picked p
         where d.message_id = p.message_id and d.subscription = p.subscription
        returning d.message_id, d.subscription, d.attempts, d.last_error
        """
            .replace("for update", messageId == null ? "for update skip locked" : "for update"),
        DeliveryStore::key,
        subscription,
        messageId,
        messageId,
        DeliveryLifecycle.guard(DeliveryStatus.DISCARDED, DeliveryStatus.DEAD),
        limit);
  }

  /** The delivery's status, if the message has one for the subscription. */
  public Optional<DeliveryStatus> status(UUID messageId, String subscription) {
    return state(messageId, subscription).map(DeliveryState::status);
  }

  /**
   * Parked ordering keys by subscription: on ordered subscriptions, the keys held by a DEAD
   * delivery (each key has at most one delivery released at a time, so one DEAD delivery is one
   * key).
   */
  public Map<String, Long> parkedKeys(Collection<String> subscriptions) {
    Map<String, Long> parked = new HashMap<>();
    jdbc.query(
        """
        select d.subscription, count(*) from delivery d
          join subscription s on s.name = d.subscription and s.ordered
          join message m on m.id = d.message_id and m.order_seq is not null
         where d.subscription = any(?::text[]) and d.status = 'DEAD'
         group by d.subscription
        """,
        rs -> {
          parked.put(rs.getString(1), rs.getLong(2));
        },
        (Object) subscriptions.toArray(String[]::new));
    return parked;
  }

  /** True when the message has a delivery for the subscription. */
  public boolean exists(UUID messageId, String subscription) {
    return !existing(subscription, new UUID[] {messageId}).isEmpty();
  }

  static DeliveryKey key(ResultSet rs, int row) throws SQLException {
    return new DeliveryKey(
        rs.getObject("message_id", UUID.class),
        rs.getString("subscription"),
        rs.getInt("attempts"),
        rs.getString("last_error"));
  }

  private static UUID[] ids(List<DeliveryKey> keys) {
    return keys.stream().map(DeliveryKey::messageId).toArray(UUID[]::new);
  }

  private static String[] subscriptions(List<DeliveryKey> keys) {
    return keys.stream().map(DeliveryKey::subscription).toArray(String[]::new);
  }

  private static int[] attempts(List<DeliveryKey> keys) {
    return keys.stream().mapToInt(DeliveryKey::attempts).toArray();
  }

  /**
   * The message's deliveries, by subscription name; a WAITING one names the earlier message of its
   * key it waits for (the key's head on that subscription).
   */
  public List<DeliveryView> forMessage(UUID messageId) {
    return jdbc.query(
        """
        select d.subscription, d.status, d.attempts, d.next_attempt_at, d.ack_deadline, d.acked_at,
               d.last_error, w.id as waiting_for
          from delivery d
          join message own on own.id = d.message_id
          left join lateral (
            select m.id from message m
             where d.status = 'WAITING' and m.topic = own.topic
               and m.ordering_key = own.ordering_key and m.order_seq < own.order_seq
               and %s
             order by m.order_seq
             limit 1) w on true
         where d.message_id = ?
         order by d.subscription
        """
            .formatted(KeyHeads.holds("m", "d.subscription")),
        (rs, i) ->
            new DeliveryView(
                rs.getString("subscription"),
                DeliveryStatus.valueOf(rs.getString("status")),
                rs.getInt("attempts"),
                instant(rs, "next_attempt_at"),
                instant(rs, "ack_deadline"),
                instant(rs, "acked_at"),
                rs.getString("last_error"),
                rs.getObject("waiting_for", UUID.class)),
        messageId);
  }

  static String truncate(String error) {
    if (error == null) {
      return null;
    }
    return error.length() <= 2000 ? error : error.substring(0, 2000);
  }
}
