package io.rms.service.dashboard;

import io.rms.api.DeliveryStatus;
import io.rms.api.MessageStatus;
import io.rms.service.message.EventType;
import io.rms.service.message.PageCursor;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionInfo;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard's reads across all apps. Every query is bounded: time windows become primary-key
 * ranges on the UUIDv7 ids ({@code rms_uuid_floor}), stuck states are read through partial indexes,
 * lists are keyset-paginated and the chart series look at most {@link #CHART_ROWS} rows.
 */
@Service
@Transactional(readOnly = true)
public class DashboardQueries {
  /** Rows per page of the message list. */
  public static final int PAGE = 50;

  /** Most messages (and deliveries) the charts of the last hour look at: the newest ones. */
  static final int CHART_ROWS = 200_000;

  private static final TypeReference<Map<String, Object>> OBJECTS = new TypeReference<>() {};

  private final JdbcTemplate jdbc;
  private final Registry registry;
  private final JsonMapper json;

  DashboardQueries(JdbcTemplate jdbc, Registry registry, JsonMapper json) {
    this.jdbc = jdbc;
    this.registry = registry;
    this.json = json;
  }

  /** Message counts of one topic over the window, by status. */
  public record TopicCounts(String topic, Map<MessageStatus, Long> counts) {
    public long get(MessageStatus status) {
      return counts.getOrDefault(status, 0L);
    }
  }

  /** Unfinished deliveries of one subscription right now, plus its recent acks. */
  public record SubscriptionCounts(
      String name,
      String topic,
      String app,
      boolean active,
      String delivery,
      SubscriptionInfo.Pause pause,
      Map<DeliveryStatus, Long> counts,
      long ackedLastHour,
      Duration oldestUnacked) {
    public boolean paused() {
      return pause != null;
    }

    public long get(DeliveryStatus status) {
      return counts.getOrDefault(status, 0L);
    }

    public long dead() {
      return get(DeliveryStatus.DEAD);
    }
  }

  /** One minute of the throughput and latency charts. */
  public record Minute(
      Instant minute, long prepared, long confirmed, long acked, Double avgMs, Double p95Ms) {}

  /** Everything the overview shows. */
  public record Overview(
      Instant now,
      long prepared,
      Duration oldestPrepared,
      long inDoubt,
      Duration oldestInDoubt,
      long unacked,
      Duration oldestUnacked,
      long dead,
      List<TopicCounts> topics,
      List<SubscriptionCounts> subscriptions,
      List<Minute> minutes,
      boolean sampled,
      boolean topicsSampled) {}

  /** The overview: what is stuck now, counts of the last 24 hours, the last hour per minute. */
  /**
   * A parked ordering key: on an ordered subscription, the DEAD delivery that holds the key back
   * and how many later deliveries of the key wait behind it.
   */
  public record ParkedKey(
      String subscription,
      String orderingKey,
      UUID blockingMessage,
      String lastError,
      long waiting) {}

  /** The parked ordering keys, oldest first (at most 50). */
  public List<ParkedKey> parkedKeys() {
    return jdbc.query(
        """
        select d.subscription, m.ordering_key, m.id, d.last_error,
               (select count(*) from delivery w join message wm on wm.id = w.message_id
                 where w.subscription = d.subscription and w.status = 'WAITING'
                   and wm.topic = m.topic and wm.ordering_key = m.ordering_key) as waiting
          from delivery d
          join subscription s on s.name = d.subscription and s.ordered
          join message m on m.id = d.message_id and m.order_seq is not null
         where d.status = 'DEAD'
         order by m.order_seq
         limit 50
        """,
        (rs, i) ->
            new ParkedKey(
                rs.getString(1),
                rs.getString(2),
                rs.getObject(3, UUID.class),
                rs.getString(4),
                rs.getLong(5)));
  }

  public Overview overview() {
    Instant now = jdbc.queryForObject("select now()", Timestamp.class).toInstant();
    Map<String, Object> prepared =
        jdbc.queryForMap(
            "select count(*) as n, min(created_at) as oldest from message where status = 'PREPARED'");
    Map<String, Object> inDoubt =
        jdbc.queryForMap(
            "select count(*) as n, min(created_at) as oldest from message where status = 'IN_DOUBT'");
    Map<String, Object> unacked =
        jdbc.queryForMap(
            """
            select count(*) as n, min(created_at) as oldest from delivery
             where status in ('SCHEDULED', 'PUBLISHED')
            """);

    Map<String, Map<MessageStatus, Long>> topics = new TreeMap<>();
    long[] counted = {0};
    jdbc.query(
        """
        select topic, status, count(*) from (
          select topic, status from message
           where id >= rms_uuid_floor(now() - interval '24 hours')
           order by id desc limit ?) recent
         group by topic, status
        """,
        rs -> {
          counted[0] += rs.getLong(3);
          topics
              .computeIfAbsent(rs.getString(1), t -> new EnumMap<>(MessageStatus.class))
              .put(MessageStatus.valueOf(rs.getString(2)), rs.getLong(3));
        },
        CHART_ROWS);

    List<SubscriptionInfo> subs =
        registry.subscriptions().stream()
            .sorted(java.util.Comparator.comparing(SubscriptionInfo::name))
            .toList();
    String[] names = subs.stream().map(SubscriptionInfo::name).toArray(String[]::new);
    Map<String, Map<DeliveryStatus, Long>> open = new TreeMap<>();
    Map<String, Instant> oldest = new TreeMap<>();
    jdbc.query(
        """
        select subscription, status, count(*), min(created_at) from delivery
         where subscription = any(?::text[]) and status in ('WAITING', 'SCHEDULED', 'PUBLISHED', 'DEAD')
         group by subscription, status
        """,
        rs -> {
          String name = rs.getString(1);
          DeliveryStatus status = DeliveryStatus.valueOf(rs.getString(2));
          open.computeIfAbsent(name, n -> new EnumMap<>(DeliveryStatus.class))
              .put(status, rs.getLong(3));
          if (status != DeliveryStatus.DEAD) {
            Instant at = rs.getTimestamp(4).toInstant();
            oldest.merge(name, at, (a, b) -> a.isBefore(b) ? a : b);
          }
        },
        (Object) names);
    Map<String, Long> acked = new TreeMap<>();
    jdbc.query(
        """
        select subscription, count(*) from (
          select subscription from delivery
           where message_id >= rms_uuid_floor(now() - interval '2 hours')
             and acked_at >= now() - interval '1 hour'
           limit ?) d
         group by subscription
        """,
        rs -> {
          acked.put(rs.getString(1), rs.getLong(2));
        },
        CHART_ROWS);
    List<SubscriptionCounts> subscriptionCounts = new ArrayList<>();
    long dead = 0;
    for (SubscriptionInfo s : subs) {
      Map<DeliveryStatus, Long> counts =
          open.getOrDefault(s.name(), new EnumMap<>(DeliveryStatus.class));
      dead += counts.getOrDefault(DeliveryStatus.DEAD, 0L);
      Instant o = oldest.get(s.name());
      subscriptionCounts.add(
          new SubscriptionCounts(
              s.name(),
              s.topic(),
              s.app(),
              s.active(),
              s.mode().json(),
              s.pause(),
              counts,
              acked.getOrDefault(s.name(), 0L),
              o == null ? null : Duration.between(o, now)));
    }
    Minutes minutes = minutes(now);
    return new Overview(
        now,
        ((Number) prepared.get("n")).longValue(),
        age(prepared.get("oldest"), now),
        ((Number) inDoubt.get("n")).longValue(),
        age(inDoubt.get("oldest"), now),
        ((Number) unacked.get("n")).longValue(),
        age(unacked.get("oldest"), now),
        dead,
        topics.entrySet().stream().map(e -> new TopicCounts(e.getKey(), e.getValue())).toList(),
        subscriptionCounts,
        minutes.list(),
        minutes.sampled(),
        counted[0] >= CHART_ROWS);
  }

  private record Minutes(List<Minute> list, boolean sampled) {}

  /**
   * Per minute of the last hour: messages prepared, confirmed and deliveries acked, and the confirm
   * → ack latency (average and 95th percentile). Reads at most {@link #CHART_ROWS} of the newest
   * messages and deliveries; {@code sampled} tells when that cap cut the window short.
   */
  private Minutes minutes(Instant now) {
    Instant start =
        now.minus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    Map<Instant, long[]> counts = new TreeMap<>();
    Map<Instant, Double[]> latency = new LinkedHashMap<>();
    for (Instant m = start; !m.isAfter(now); m = m.plus(Duration.ofMinutes(1))) {
      counts.put(m, new long[3]);
    }
    boolean[] sampled = {false};
    jdbc.query(
        """
        with recent as (
          select created_at, confirmed_at from message
           where id >= rms_uuid_floor(now() - interval '61 minutes')
           order by id desc limit ?)
        select date_trunc('minute', created_at) as m, 0 as kind, count(*) from recent group by 1
        union all
        select date_trunc('minute', confirmed_at), 1, count(*) from recent
         where confirmed_at is not null group by 1
        union all
        select null, 9, count(*) from recent
        """,
        rs -> {
          int kind = rs.getInt(2);
          if (kind == 9) {
            sampled[0] |= rs.getLong(3) >= CHART_ROWS;
            return;
          }
          long[] c = counts.get(rs.getTimestamp(1).toInstant());
          if (c != null) {
            c[kind] += rs.getLong(3);
          }
        },
        CHART_ROWS);
    jdbc.query(
        """
        with recent as (
          select d.acked_at, extract(epoch from (d.acked_at - m.confirmed_at)) * 1000 as ms
            from delivery d join message m on m.id = d.message_id
           where d.message_id >= rms_uuid_floor(now() - interval '2 hours')
             -- the same bound on the message side: the planner does not carry a range across the
             -- join, so without it a table partitioned by id would be read in every partition
             and m.id >= rms_uuid_floor(now() - interval '2 hours')
             and d.acked_at >= now() - interval '61 minutes'
           limit ?)
        select date_trunc('minute', acked_at), count(*), avg(ms),
               percentile_cont(0.95) within group (order by ms)
          from recent group by 1
        """,
        rs -> {
          Instant m = rs.getTimestamp(1).toInstant();
          long[] c = counts.get(m);
          if (c != null) {
            c[2] += rs.getLong(2);
            latency.put(m, new Double[] {rs.getDouble(3), rs.getDouble(4)});
          }
        },
        CHART_ROWS);
    List<Minute> list = new ArrayList<>();
    counts.forEach(
        (m, c) -> {
          Double[] l = latency.get(m);
          list.add(
              new Minute(m, c[0], c[1], c[2], l == null ? null : l[0], l == null ? null : l[1]));
        });
    return new Minutes(list, sampled[0]);
  }

  private static Duration age(Object timestamp, Instant now) {
    return timestamp == null ? null : Duration.between(((Timestamp) timestamp).toInstant(), now);
  }

  /** The filters of the message search; blanks are ignored. */
  public record Search(
      String id,
      String app,
      String topic,
      String status,
      String businessKey,
      String producerMessageId,
      Instant from,
      Instant to,
      String cursor) {

    /** True when nothing is filtered. */
    public boolean empty() {
      return blank(id)
          && blank(app)
          && blank(topic)
          && blank(status)
          && blank(businessKey)
          && blank(producerMessageId)
          && from == null
          && to == null;
    }
  }

  /** One row of the message list. */
  public record MessageRow(
      UUID id,
      String app,
      String topic,
      String businessKey,
      String producerMessageId,
      MessageStatus status,
      Instant createdAt,
      int pendingDeliveries,
      long deadDeliveries) {}

  /** A page of the message list and the cursor of the next one. */
  public record MessagePage(List<MessageRow> rows, String next) {}

  /**
   * Messages newest first, {@link #PAGE} at a time. Every query names the apps (all of them when no
   * app is chosen) so the {@code (app_id, ...)} indexes serve business key, status and topic
   * filters; the time range is a primary-key range.
   */
  public MessagePage search(Search s) {
    StringBuilder sql =
        new StringBuilder(
            """
            select m.id, m.app_id, m.topic, m.business_key, m.producer_message_id, m.status,
                   m.created_at, m.pending_deliveries,
                   (select count(*) from delivery d
                     where d.message_id = m.id and d.status = 'DEAD') as dead
              from message m where true
            """);
    List<Object> args = new ArrayList<>();
    if (!blank(s.id())) {
      UUID id = parseId(s.id().trim());
      if (id == null) {
        return new MessagePage(List.of(), null);
      }
      sql.append(" and m.id = ?");
      args.add(id);
    }
    String[] apps =
        blank(s.app())
            ? registry.apps().stream().map(a -> a.id()).toArray(String[]::new)
            : new String[] {s.app().trim()};
    sql.append(" and m.app_id = any(?::text[])");
    args.add(apps);
    if (!blank(s.status())) {
      sql.append(" and m.status = ?");
      args.add(MessageStatus.valueOf(s.status().trim()).name());
    }
    eq(sql, args, "m.topic", s.topic());
    eq(sql, args, "m.business_key", s.businessKey());
    eq(sql, args, "m.producer_message_id", s.producerMessageId());
    if (s.from() != null) {
      sql.append(" and m.id >= rms_uuid_floor(?) and m.created_at >= ?");
      args.add(Timestamp.from(s.from()));
      args.add(Timestamp.from(s.from()));
    }
    if (s.to() != null) {
      sql.append(" and m.id < rms_uuid_floor(?) and m.created_at < ?");
      args.add(Timestamp.from(s.to()));
      args.add(Timestamp.from(s.to()));
    }
    if (!blank(s.cursor())) {
      PageCursor.decode(s.cursor())
          .ifPresent(
              after -> {
                sql.append(" and m.id < ?");
                args.add(after);
              });
    }
    sql.append(" order by m.id desc limit ?");
    args.add(PAGE + 1);
    List<MessageRow> rows =
        jdbc.query(
            sql.toString(),
            (rs, i) ->
                new MessageRow(
                    rs.getObject("id", UUID.class),
                    rs.getString("app_id"),
                    rs.getString("topic"),
                    rs.getString("business_key"),
                    rs.getString("producer_message_id"),
                    MessageStatus.valueOf(rs.getString("status")),
                    rs.getTimestamp("created_at").toInstant(),
                    rs.getInt("pending_deliveries"),
                    rs.getLong("dead")),
            args.toArray());
    String next = null;
    if (rows.size() > PAGE) {
      rows = rows.subList(0, PAGE);
      next = PageCursor.encode(rows.get(PAGE - 1).id());
    }
    return new MessagePage(rows, next);
  }

  /** DEAD deliveries of a subscription right now. */
  public long deadCount(String subscription) {
    return jdbc.queryForObject(
        "select count(*) from delivery where subscription = ? and status = 'DEAD'",
        Long.class,
        subscription);
  }

  /** One audit entry: an operator or admin action (or any event when filtered by message). */
  public record AuditRow(
      long id,
      Instant at,
      String type,
      String actor,
      UUID messageId,
      String subscription,
      String detail) {}

  /** A page of the audit log. */
  public record AuditPage(List<AuditRow> rows, Long next) {}

  /**
   * Event types written by people (operators through the API or the dashboard, admins) and failed
   * dashboard logins.
   */
  static final String[] AUDITED = {
    "RESOLVE", "REDELIVER", "DISCARD", DashboardAudit.ADMIN, EventType.LOGIN_FAILED
  };

  /** Operator and admin actions, newest first, keyset on the event id. */
  public AuditPage audit(String actor, Long before) {
    List<AuditRow> rows =
        jdbc.query(
            """
            select id, at, type, actor, message_id, subscription, detail::text as detail
              from message_event
             where type = any(?::text[]) and (?::text is null or actor = ?)
               and (?::bigint is null or id < ?)
             order by id desc limit ?
            """,
            (rs, i) ->
                new AuditRow(
                    rs.getLong("id"),
                    rs.getTimestamp("at").toInstant(),
                    rs.getString("type"),
                    rs.getString("actor"),
                    rs.getObject("message_id", UUID.class),
                    rs.getString("subscription"),
                    readable(rs.getString("detail"))),
            AUDITED,
            blank(actor) ? null : actor.trim(),
            blank(actor) ? null : actor.trim(),
            before,
            before,
            PAGE + 1);
    Long next = null;
    if (rows.size() > PAGE) {
      rows = rows.subList(0, PAGE);
      next = rows.get(PAGE - 1).id();
    }
    return new AuditPage(rows, next);
  }

  /** One check-back outcome of an app's message. */
  public record CheckBackRow(Instant at, UUID messageId, String detail) {}

  /** The app's latest check-back outcomes. */
  public List<CheckBackRow> recentCheckBacks(String app, int limit) {
    return jdbc.query(
        """
        select e.at, e.message_id, e.detail::text as detail
          from message_event e join message m on m.id = e.message_id
         where e.type = 'CHECK_BACK' and m.app_id = ?
         order by e.id desc limit ?
        """,
        (rs, i) ->
            new CheckBackRow(
                rs.getTimestamp("at").toInstant(),
                rs.getObject("message_id", UUID.class),
                rs.getString("detail")),
        app,
        limit);
  }

  /** A jsonb detail as {@code key: value · key: value}. */
  private String readable(String detail) {
    if (detail == null) {
      return null;
    }
    Map<String, Object> map = json.readValue(detail, OBJECTS);
    StringBuilder b = new StringBuilder();
    map.forEach(
        (k, v) -> {
          if (!b.isEmpty()) {
            b.append(" · ");
          }
          b.append(k).append(": ").append(v instanceof String t ? t : json.writeValueAsString(v));
        });
    return b.toString();
  }

  private static void eq(StringBuilder sql, List<Object> args, String column, String value) {
    if (!blank(value)) {
      sql.append(" and ").append(column).append(" = ?");
      args.add(value.trim());
    }
  }

  static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  static UUID parseId(String s) {
    try {
      return UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
