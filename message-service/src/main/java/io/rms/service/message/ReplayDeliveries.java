package io.rms.service.message;

import io.rms.api.DeliveryStatus;
import io.rms.recovery.DeliveryKey;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The replay's verbs on deliveries and messages (docs/design.md §5.2): a fresh delivery cycle of a
 * message on one subscription. Each is a compare-and-set through the replay edges of {@link
 * DeliveryLifecycle} and {@link MessageLifecycle}; rows are locked as the ack path locks them
 * (deliveries by message id, then messages by id), so a replay step and acks cannot deadlock.
 */
@Component
public class ReplayDeliveries {
  private static final DeliveryStatus[] REPLAYABLE = {
    DeliveryStatus.ACKED, DeliveryStatus.DISCARDED, DeliveryStatus.DEAD
  };

  private final JdbcTemplate jdbc;
  private final StatsRollup rollup;

  ReplayDeliveries(JdbcTemplate jdbc, StatsRollup rollup) {
    this.jdbc = jdbc;
    this.rollup = rollup;
  }

  /**
   * A delivery a replay gave a fresh cycle: {@code previous} is its status before, null when the
   * replay created it (the message had no delivery on the subscription); {@code waiting} when it is
   * WAITING for its ordering key.
   */
  public record Reset(UUID messageId, DeliveryStatus previous, boolean waiting) {}

  /**
   * Gives each of these messages a fresh cycle on {@code subscription} for replay {@code replayId}:
   * its delivery there, if ACKED, DISCARDED or DEAD and not already of this replay, goes back to
   * attempts 0 with the replay's id, SCHEDULED (published now, due again after {@code grace}) or,
   * when {@code ordered} and the message has a place in its key, WAITING for the key's release; a
   * message with no delivery there gets one. Only CONFIRMED and DELIVERED messages are replayed; a
   * delivery in flight (WAITING, SCHEDULED, PUBLISHED) is left alone. A message whose delivery was
   * finished counts one more pending delivery and is CONFIRMED until it is acked again. The
   * caller's transaction holds the keys' locks of an ordered subscription. A delivery or message
   * that leaves a final status is taken out of the stats rollup if it was folded ({@link
   * StatsRollup}), in this transaction. Returns what changed.
   */
  public List<Reset> reset(
      String replayId,
      String subscription,
      Collection<UUID> messageIds,
      boolean ordered,
      Duration grace) {
    if (messageIds.isEmpty()) {
      return List.of();
    }
    UUID[] ids = messageIds.stream().distinct().sorted().toArray(UUID[]::new);
    rollup.holdWatermark();
    Map<String, Long> foldedByStatus = new TreeMap<>(); // count rows updated in key order
    List<Reset> reset =
        new java.util.ArrayList<>(
            jdbc.query(
                """
        with locked as (
          select d.message_id, d.subscription, d.status as previous,
                 (? and m.order_seq is not null) as waiting,
                 d.status in ('ACKED', 'DISCARDED')
                   and %s <= (select watermark from stats_fold) as folded
            from delivery d join message m on m.id = d.message_id
           where d.subscription = ? and d.message_id = any(?::uuid[])
             and d.status = any(?::text[]) and d.replay_id is distinct from ?
             and m.status = any(?::text[])
           order by d.message_id
             for update of d
        )
        update delivery d
           set status = case when l.waiting then 'WAITING' else 'SCHEDULED' end,
               attempts = 0, ack_deadline = null, published_at = null, acked_at = null,
               discarded_at = null, last_error = null, replay_id = ?,
               next_attempt_at = case when l.waiting then null
                                      else now() + ? * interval '1 millisecond' end
          from locked l
         where d.message_id = l.message_id and d.subscription = l.subscription
        returning d.message_id, l.previous, l.waiting, l.folded
        """
                    .formatted(StatsRollup.deliveryFinish("d")),
                (rs, i) -> {
                  if (rs.getBoolean(4)) {
                    foldedByStatus.merge(rs.getString(2), 1L, Long::sum);
                  }
                  return new Reset(
                      rs.getObject(1, UUID.class),
                      DeliveryStatus.valueOf(rs.getString(2)),
                      rs.getBoolean(3));
                },
                ordered,
                subscription,
                ids,
                DeliveryLifecycle.replayGuard(DeliveryStatus.SCHEDULED, REPLAYABLE),
                replayId,
                MessageLifecycle.replaySources(),
                replayId,
                grace.toMillis()));
    reset.addAll(
        jdbc.query(
            """
        insert into delivery (message_id, subscription, status, next_attempt_at, replay_id)
        select m.id, ?, case when ? and m.order_seq is not null then 'WAITING' else 'SCHEDULED' end,
               case when ? and m.order_seq is not null then null
                    else now() + ? * interval '1 millisecond' end, ?
          from message m
         where m.id = any(?::uuid[]) and m.status = any(?::text[])
           and not exists (select 1 from delivery d
                            where d.message_id = m.id and d.subscription = ?)
         order by m.id
        on conflict (message_id, subscription) do nothing
        returning message_id, status
        """,
            (rs, i) ->
                new Reset(
                    rs.getObject(1, UUID.class), null, "WAITING".equals(rs.getString("status"))),
            subscription,
            ordered,
            ordered,
            grace.toMillis(),
            replayId,
            ids,
            MessageLifecycle.replaySources(),
            subscription));
    rollup.subtractDeliveries(subscription, foldedByStatus);
    UUID[] reopened =
        reset.stream()
            .filter(r -> r.previous() != DeliveryStatus.DEAD)
            .map(Reset::messageId)
            .sorted()
            .toArray(UUID[]::new);
    if (reopened.length > 0) {
      Map<StatsRollup.AppTopic, Long> folded = new TreeMap<>(StatsRollup.AppTopic.ORDER);
      jdbc.query(
          """
              with locked as (
                select id, app_id, topic, status, finished_at from message
                 where id = any(?::uuid[]) order by id for update
              )
              update message m
                 set pending_deliveries = m.pending_deliveries + 1, status = 'CONFIRMED',
                     finished_at = null
                from locked
               where m.id = locked.id and m.status = any(?::text[])
              returning locked.app_id, locked.topic,
                        locked.status = 'DELIVERED'
                          and locked.finished_at <= (select watermark from stats_fold)
              """,
          rs -> {
            if (rs.getBoolean(3)) {
              folded.merge(
                  new StatsRollup.AppTopic(rs.getString(1), rs.getString(2)), 1L, Long::sum);
            }
          },
          reopened,
          MessageLifecycle.replaySources());
      rollup.subtractDelivered(folded);
    }
    return reset;
  }

  /**
   * The ordering keys among these messages' that are busy on {@code subscription}: a later message
   * of the key (higher {@code order_seq}) has its delivery there in flight or parked (SCHEDULED,
   * PUBLISHED, DEAD). Replaying an earlier message of such a key now would put two of its messages
   * in flight at once; the replay defers it. The caller holds the keys' locks.
   */
  public List<OrderedKeys.Key> busyKeys(String subscription, Collection<UUID> messageIds) {
    if (messageIds.isEmpty()) {
      return List.of();
    }
    return jdbc.query(
        """
        select distinct r.topic, r.ordering_key
          from message r
         where r.id = any(?::uuid[]) and r.order_seq is not null
           and exists (
             select 1 from message l join delivery d on d.message_id = l.id
              where l.topic = r.topic and l.ordering_key = r.ordering_key
                and l.order_seq > r.order_seq and l.order_seq is not null
                and l.status in ('PREPARED', 'IN_DOUBT', 'CONFIRMED')
                and d.subscription = ? and d.status in ('SCHEDULED', 'PUBLISHED', 'DEAD'))
        """,
        (rs, i) -> new OrderedKeys.Key(rs.getString(1), rs.getString(2)),
        (Object) messageIds.toArray(UUID[]::new),
        subscription);
  }

  /** The ordering keys of these messages (those with a place in their key), by message. */
  public Map<UUID, OrderedKeys.Key> keys(Collection<UUID> messageIds) {
    Map<UUID, OrderedKeys.Key> keys = new HashMap<>();
    if (messageIds.isEmpty()) {
      return keys;
    }
    jdbc.query(
        """
        select id, topic, ordering_key from message
         where id = any(?::uuid[]) and order_seq is not null
        """,
        rs -> {
          keys.put(
              rs.getObject(1, UUID.class), new OrderedKeys.Key(rs.getString(2), rs.getString(3)));
        },
        (Object) messageIds.toArray(UUID[]::new));
    return keys;
  }

  /**
   * The replay ids of those of these deliveries whose current cycle is a replay's, keyed {@code
   * messageId/subscription}; the redelivery sweep's publishes carry them ({@code x-rms-replay}).
   */
  public Map<String, String> replayIds(List<DeliveryKey> keys) {
    Map<String, String> ids = new HashMap<>();
    if (keys.isEmpty()) {
      return ids;
    }
    jdbc.query(
        """
        select d.message_id, d.subscription, d.replay_id
          from unnest(?::uuid[], ?::text[]) as t(message_id, subscription)
          join delivery d using (message_id, subscription)
         where d.replay_id is not null
        """,
        rs -> {
          ids.put(rs.getObject(1, UUID.class) + "/" + rs.getString(2), rs.getString(3));
        },
        keys.stream().map(DeliveryKey::messageId).toArray(UUID[]::new),
        keys.stream().map(DeliveryKey::subscription).toArray(String[]::new));
    return ids;
  }
}
