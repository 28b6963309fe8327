package io.rms.service.message;

import io.rms.api.DeliveryStatus;
import io.rms.api.HeldKey;
import io.rms.api.HeldKey.Reason;
import io.rms.api.HeldKeys;
import io.rms.api.Limits;
import io.rms.api.MessageStatus;
import io.rms.service.problem.RmsProblem;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Which ordering keys are held back on a subscription, by which message and why (docs/design.md
 * §5.1). A key is held when deliveries of it are WAITING there, or when its head delivery is DEAD
 * (it parks the key's next message). Its blocker is the key's head as {@link OrderedKeys} releases
 * it: the earliest unfinished message of the key whose delivery there is not acked or discarded.
 *
 * <p>The read starts from the subscription's WAITING and DEAD deliveries (partial index {@code
 * delivery_waiting}, index {@code delivery_subscription_status}) and finds each key's head through
 * {@code message_ordering}; its cost grows with the deliveries held back (docs/design.md §5.1 has a
 * measurement).
 */
@Service
@Transactional(readOnly = true)
public class HeldKeyQueries {
  /** Keys listed when no limit is asked for. */
  public static final int DEFAULT_LIMIT = 100;

  private final JdbcTemplate jdbc;

  HeldKeyQueries(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * The subscription's held keys, the longest held first; at most {@code limit} (1 to 1,000,
   * default 100). An unknown subscription is a 404.
   */
  public HeldKeys heldKeys(String subscription, Integer limit) {
    int max = limit == null ? DEFAULT_LIMIT : limit;
    if (max < 1 || max > Limits.MAX_BATCH) {
      throw RmsProblem.invalid("limit must be between 1 and " + Limits.MAX_BATCH);
    }
    List<Boolean> ordered =
        jdbc.queryForList(
            "select ordered from subscription where name = ?", Boolean.class, subscription);
    if (ordered.isEmpty()) {
      throw new RmsProblem(io.rms.api.ErrorCode.NOT_FOUND, "no subscription " + subscription);
    }
    List<HeldKey> keys =
        jdbc.query(
            """
            with held as (
              select topic, ordering_key, sum(n) as waiting, min(oldest) as oldest
                from (select m.topic, m.ordering_key, 1 as n, d.created_at as oldest
                        from delivery d join message m on m.id = d.message_id
                       where d.subscription = :s and d.status = 'WAITING'
                         and m.order_seq is not null
                      union all
                      select m.topic, m.ordering_key, 0, null
                        from delivery d join message m on m.id = d.message_id
                       where d.subscription = :s and d.status = 'DEAD'
                         and m.order_seq is not null) k
               group by topic, ordering_key
            ), blocked as (
              select h.topic, h.ordering_key, h.waiting, b.id, b.status as message_status,
                     d.status as delivery_status, coalesce(d.attempts, 0) as attempts,
                     d.last_error,
                     coalesce(h.oldest,
                       case when d.status is null then b.created_at
                            when d.status = 'DEAD' then coalesce(
                              (select max(e.at) from message_event e
                                where e.message_id = b.id and e.type = 'DEAD'
                                  and e.subscription = :s),
                              d.published_at, d.created_at)
                            else coalesce(d.published_at, d.created_at) end) as since
                from held h
                cross join lateral (
                  select m.id, m.status, m.created_at from message m
                   where m.topic = h.topic and m.ordering_key = h.ordering_key
                     and %s
                   order by m.order_seq
                   limit 1) b
                left join delivery d on d.message_id = b.id and d.subscription = :s
            )
            select *, greatest(0, extract(epoch from now() - since))::float8 as age
              from blocked
             order by since, topic, ordering_key
             limit :limit
            """
                .formatted(KeyHeads.holds("m", ":s"))
                .replace(":s", "?::text")
                .replace(":limit", String.valueOf(max + 1)),
            HeldKeyQueries::heldKey,
            subscription,
            subscription,
            subscription,
            subscription,
            subscription);
    boolean more = keys.size() > max;
    return new HeldKeys(subscription, ordered.get(0), more ? keys.subList(0, max) : keys, more);
  }

  private static HeldKey heldKey(ResultSet rs, int row) throws SQLException {
    MessageStatus messageStatus = MessageStatus.valueOf(rs.getString("message_status"));
    String delivery = rs.getString("delivery_status");
    DeliveryStatus deliveryStatus = delivery == null ? null : DeliveryStatus.valueOf(delivery);
    return new HeldKey(
        rs.getString("topic"),
        rs.getString("ordering_key"),
        rs.getObject("id", UUID.class),
        reason(messageStatus, deliveryStatus),
        messageStatus,
        deliveryStatus,
        rs.getInt("attempts"),
        rs.getString("last_error"),
        rs.getTimestamp("since").toInstant(),
        rs.getDouble("age"),
        rs.getLong("waiting"));
  }

  /** Why the head blocks its key. */
  static Reason reason(MessageStatus message, DeliveryStatus delivery) {
    if (message == MessageStatus.PREPARED) {
      return Reason.PREPARED;
    }
    if (message == MessageStatus.IN_DOUBT) {
      return Reason.IN_DOUBT;
    }
    if (delivery == DeliveryStatus.DEAD) {
      return Reason.DEAD;
    }
    if (delivery == DeliveryStatus.WAITING) {
      return Reason.STRANDED;
    }
    return Reason.UNACKED;
  }
}
