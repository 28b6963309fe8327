package io.rms.service.replay;

import io.rms.api.DeliveryStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The replays and their selections ({@code replay}, {@code replay_item}). A replay's progress moves
 * only by {@link #advance}, a compare-and-set on its position; a step claims its replay with {@code
 * FOR UPDATE SKIP LOCKED}, so two replicas never handle the same items.
 */
@Component
class ReplayStore {
  private static final String COLUMNS =
      """
      id, subscription, kind, window_from, window_to, business_key, status_filter, max_messages,
      state, selected, replayed, skipped, position, last_position, paced_until, actor, created_at,
      finished_at""";

  private final JdbcTemplate jdbc;

  ReplayStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** A replay row. */
  record Replay(
      String id,
      String subscription,
      String kind,
      Instant from,
      Instant to,
      String businessKey,
      DeliveryStatus status,
      Integer limit,
      ReplayState state,
      int selected,
      int replayed,
      int skipped,
      long position,
      long lastPosition,
      Instant pacedUntil,
      String actor,
      Instant createdAt,
      Instant finishedAt) {}

  /** What a replay selects: the parameters of its request and its subscription's topic. */
  record Selection(
      String subscription,
      String topic,
      Instant from,
      Instant to,
      String businessKey,
      DeliveryStatus status,
      boolean ordered) {}

  /** One selected message at its position; {@code orderingKey} only on an ordered subscription. */
  record Item(long position, UUID messageId, String orderingKey) {}

  /**
   * The selection's condition: messages of the topic confirmed in the window, CONFIRMED or
   * DELIVERED, with the business key if given, whose delivery on the subscription is in the status
   * asked for, or else finished, DEAD or missing (one in flight is on its way already).
   */
  private static final String SELECT =
      """
        from message m
        left join delivery d on d.message_id = m.id and d.subscription = ?
       where m.topic = ? and m.confirmed_at >= ?::timestamptz and m.confirmed_at < ?::timestamptz
         and m.status in ('CONFIRMED', 'DELIVERED')
         and (?::text is null or m.business_key = ?)
         and case when ?::text is null
                  then d.status is null or d.status in ('ACKED', 'DISCARDED', 'DEAD')
                  else d.status = ? end
      """;

  private static Object[] selectArgs(Selection s) {
    String status = s.status() == null ? null : s.status().name();
    return new Object[] {
      s.subscription(),
      s.topic(),
      s.from().toString(),
      s.to().toString(),
      s.businessKey(),
      s.businessKey(),
      status,
      status
    };
  }

  /** How many messages the selection holds, counting at most {@code cap}. */
  int count(Selection s, int cap) {
    List<Object> args = new ArrayList<>(java.util.Arrays.asList(selectArgs(s)));
    args.add(cap);
    Integer n =
        jdbc.queryForObject(
            "select count(*) from (select 1 " + SELECT + " limit ?) s",
            Integer.class,
            args.toArray());
    return n == null ? 0 : n;
  }

  /**
   * True when {@code from} lies before the retention horizon (the database clock minus {@code
   * retention}): finished messages confirmed then may be deleted already.
   */
  boolean beyondRetention(Instant from, java.time.Duration retention) {
    return Boolean.TRUE.equals(
        jdbc.queryForObject(
            "select ?::timestamptz < now() - ? * interval '1 millisecond'",
            Boolean.class,
            from.toString(),
            retention.toMillis()));
  }

  /**
   * Inserts a RUNNING replay, paced from {@code pacedUntil}, and its selection (at most {@code
   * limit} messages, in delivery order: on an ordered subscription by ordering key, then {@code
   * order_seq}). False when the id exists already (a concurrent request with the same id won). A
   * second running replay on the subscription violates {@code replay_one_running}.
   */
  boolean insert(
      String id,
      String kind,
      Selection s,
      Integer requestedLimit,
      int limit,
      String actor,
      Instant pacedUntil) {
    int inserted =
        jdbc.update(
            """
            insert into replay (id, subscription, kind, window_from, window_to, business_key,
                                status_filter, max_messages, state, selected, last_position,
                                paced_until, actor)
            values (?, ?, ?, ?::timestamptz, ?::timestamptz, ?, ?, ?, 'RUNNING', 0, 0,
                    ?::timestamptz, ?)
            on conflict (id) do nothing
            """,
            id,
            s.subscription(),
            kind,
            s.from().toString(),
            s.to().toString(),
            s.businessKey(),
            s.status() == null ? null : s.status().name(),
            requestedLimit,
            pacedUntil.toString(),
            actor);
    if (inserted == 0) {
      return false;
    }
    String order =
        s.ordered()
            ? "m.ordering_key nulls first, m.order_seq nulls first, m.confirmed_at, m.id"
            : "m.confirmed_at, m.id";
    List<Object> args = new ArrayList<>();
    args.add(id);
    args.add(s.ordered());
    args.addAll(java.util.Arrays.asList(selectArgs(s)));
    args.add(limit);
    int selected =
        jdbc.update(
            """
            insert into replay_item (replay_id, position, message_id, ordering_key)
            select ?, row_number() over (order by %1$s), m.id,
                   case when ? and m.order_seq is not null then m.ordering_key end
            %2$s
             order by %1$s
             limit ?
            """
                .formatted(order, SELECT),
            args.toArray());
    jdbc.update(
        """
        update replay set selected = ?, last_position = ?,
               state = case when ? = 0 then 'DONE' else state end,
               finished_at = case when ? = 0 then now() end
         where id = ?
        """,
        selected,
        selected,
        selected,
        selected,
        id);
    return true;
  }

  Optional<Replay> find(String id) {
    return jdbc
        .query("select " + COLUMNS + " from replay where id = ?", ReplayStore::replay, id)
        .stream()
        .findFirst();
  }

  /** The subscription's running replay, if any. */
  Optional<Replay> running(String subscription) {
    return jdbc
        .query(
            "select " + COLUMNS + " from replay where subscription = ? and state = 'RUNNING'",
            ReplayStore::replay,
            subscription)
        .stream()
        .findFirst();
  }

  /** The subscription's replays, newest first, at most {@code limit}. */
  List<Replay> forSubscription(String subscription, int limit) {
    return jdbc.query(
        "select "
            + COLUMNS
            + " from replay where subscription = ? order by created_at desc, id limit ?",
        ReplayStore::replay,
        subscription,
        limit);
  }

  /** The ids of the running replays. */
  List<String> runningIds() {
    return jdbc.queryForList(
        "select id from replay where state = 'RUNNING' order by created_at", String.class);
  }

  /** Locks a running replay for this transaction; empty when it is done or another step has it. */
  Optional<Replay> claim(String id) {
    return jdbc
        .query(
            "select "
                + COLUMNS
                + " from replay where id = ? and state = 'RUNNING' for update skip locked",
            ReplayStore::replay,
            id)
        .stream()
        .findFirst();
  }

  /** Up to {@code limit} items after {@code position}, in order. */
  List<Item> items(String id, long position, int limit) {
    return jdbc.query(
        """
        select position, message_id, ordering_key from replay_item
         where replay_id = ? and position > ?
         order by position
         limit ?
        """,
        (rs, i) -> new Item(rs.getLong(1), rs.getObject(2, UUID.class), rs.getString(3)),
        id,
        position,
        limit);
  }

  /**
   * Moves every item at or after {@code from} whose ordering key is one of {@code keys} behind the
   * replay's last position, keeping their order, and the last position with them. Returns how many
   * moved.
   */
  int defer(String id, List<String> keys, long from) {
    int moved =
        jdbc.update(
            """
            update replay_item i
               set position = r.last_position + t.n
              from replay r,
                   (select position,
                           row_number() over (order by position) as n
                      from replay_item
                     where replay_id = ? and position >= ? and ordering_key = any(?::text[])) t
             where i.replay_id = ? and i.position = t.position and r.id = i.replay_id
            """,
            id,
            from,
            keys.toArray(String[]::new),
            id);
    if (moved > 0) {
      jdbc.update("update replay set last_position = last_position + ? where id = ?", moved, id);
    }
    return moved;
  }

  /**
   * The step's compare-and-set: from {@code position} to {@code next}, counting what it did and
   * when its pace allows the next items; DONE when nothing is left after {@code next}. False when
   * the replay moved meanwhile (the step's transaction must roll back).
   */
  boolean advance(
      String id, long position, long next, int replayed, int skipped, Instant pacedUntil) {
    return jdbc.update(
            """
            update replay
               set position = ?, replayed = replayed + ?, skipped = skipped + ?,
                   paced_until = ?::timestamptz,
                   state = case when ? >= last_position then 'DONE' else state end,
                   finished_at = case when ? >= last_position then now() end
             where id = ? and position = ? and state = 'RUNNING'
            """,
            next,
            replayed,
            skipped,
            pacedUntil.toString(),
            next,
            next,
            id,
            position)
        == 1;
  }

  private static Replay replay(ResultSet rs, int row) throws SQLException {
    String status = rs.getString("status_filter");
    Integer limit = rs.getObject("max_messages", Integer.class);
    return new Replay(
        rs.getString("id"),
        rs.getString("subscription"),
        rs.getString("kind"),
        instant(rs.getTimestamp("window_from")),
        instant(rs.getTimestamp("window_to")),
        rs.getString("business_key"),
        status == null ? null : DeliveryStatus.valueOf(status),
        limit,
        ReplayState.valueOf(rs.getString("state")),
        rs.getInt("selected"),
        rs.getInt("replayed"),
        rs.getInt("skipped"),
        rs.getLong("position"),
        rs.getLong("last_position"),
        instant(rs.getTimestamp("paced_until")),
        rs.getString("actor"),
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("finished_at")));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
