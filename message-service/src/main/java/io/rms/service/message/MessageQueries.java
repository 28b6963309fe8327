package io.rms.service.message;

import io.rms.api.DeliveryStatus;
import io.rms.api.ErrorCode;
import io.rms.api.Limits;
import io.rms.api.MessagePage;
import io.rms.api.MessageStatus;
import io.rms.api.MessageView;
import io.rms.api.StatsView;
import io.rms.service.problem.RmsProblem;
import io.rms.service.registry.AppInfo;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/** Reads for the API: one message with its history, keyset-paginated lists, stats. */
@Service
@Transactional(readOnly = true)
public class MessageQueries {
  /** The app's finished messages up to the watermark, from the rollup. */
  static final String STATS_FOLDED_MESSAGES =
      "select topic, status, n from message_count where app_id = ?";

  /** The app's messages finished after the watermark: a range of the index message_finished. */
  static final String STATS_RECENT_MESSAGES =
      """
      select topic, status, count(*) from message
       where finished_at > ?::timestamptz and app_id = ? and status in ('DELIVERED', 'CANCELLED')
       group by topic, status
      """;

  /** The app's unfinished messages: ranges of the index message_app_status. */
  static final String STATS_LIVE_MESSAGES =
      """
      select topic, status, count(*) from message
       where app_id = ? and status in ('PREPARED', 'CONFIRMED', 'IN_DOUBT')
       group by topic, status
      """;

  /** The subscriptions' finished deliveries up to the watermark, from the rollup. */
  static final String STATS_FOLDED_DELIVERIES =
      "select subscription, status, n from delivery_count where subscription = any(?::text[])";

  /**
   * The subscriptions' deliveries finished after the watermark (and those of an earlier version's
   * discards, which have no finish time): a range of the index delivery_finished.
   */
  static final String STATS_RECENT_DELIVERIES =
      """
      select subscription, status, count(*) from delivery
       where status in ('ACKED', 'DISCARDED') and %s > ?::timestamptz
         and subscription = any(?::text[])
       group by subscription, status
      """
          .formatted(StatsRollup.DELIVERY_FINISH);

  /** The subscriptions' unfinished deliveries: ranges of the index delivery_subscription_status. */
  static final String STATS_LIVE_DELIVERIES =
      """
      select subscription, status, count(*) from delivery
       where subscription = any(?::text[])
         and status in ('WAITING', 'SCHEDULED', 'PUBLISHED', 'DEAD')
       group by subscription, status
      """;

  private final JdbcTemplate jdbc;
  private final MessageStore messages;
  private final DeliveryStore deliveries;
  private final EventStore events;
  private final MessageViews views;
  private final Registry registry;
  private final StatsRollup rollup;

  MessageQueries(
      JdbcTemplate jdbc,
      MessageStore messages,
      DeliveryStore deliveries,
      EventStore events,
      MessageViews views,
      Registry registry,
      StatsRollup rollup) {
    this.jdbc = jdbc;
    this.messages = messages;
    this.deliveries = deliveries;
    this.events = events;
    this.views = views;
    this.registry = registry;
    this.rollup = rollup;
  }

  /** The message with its deliveries and events; 404 if it is not the app's. */
  public MessageView get(String app, UUID id) {
    StoredMessage m = messages.find(id, app).orElseThrow(() -> RmsProblem.notFound(id));
    return views.full(m, deliveries.forMessage(id), events.forMessage(id));
  }

  /** Filters of the list call; nulls are left out. */
  public record ListFilter(
      MessageStatus status,
      String topic,
      String businessKey,
      String producerMessageId,
      Instant createdFrom,
      Instant createdTo,
      String cursor,
      Integer limit) {}

  /** The app's messages, newest first, {@code limit} at a time. */
  public MessagePage list(String app, ListFilter f) {
    int limit = f.limit() == null ? Limits.DEFAULT_PAGE : f.limit();
    if (limit < 1 || limit > Limits.MAX_PAGE) {
      throw RmsProblem.invalid("limit must be between 1 and " + Limits.MAX_PAGE);
    }
    StringBuilder sql =
        new StringBuilder("select " + MessageStore.COLUMNS + " from message where app_id = ?");
    List<Object> args = new ArrayList<>();
    args.add(app);
    if (f.status() != null) {
      sql.append(" and status = ?");
      args.add(f.status().name());
    }
    condition(sql, args, " and topic = ?", f.topic());
    condition(sql, args, " and business_key = ?", f.businessKey());
    condition(sql, args, " and producer_message_id = ?", f.producerMessageId());
    condition(sql, args, " and created_at >= ?", MessageStore.timestamp(f.createdFrom()));
    condition(sql, args, " and created_at < ?", MessageStore.timestamp(f.createdTo()));
    if (f.cursor() != null && !f.cursor().isEmpty()) {
      sql.append(" and id < ?");
      args.add(
          PageCursor.decode(f.cursor())
              .orElseThrow(
                  () ->
                      new RmsProblem(
                          ErrorCode.INVALID_ID, "cursor is not one this service issued")));
    }
    sql.append(" order by id desc limit ?");
    args.add(limit + 1);
    List<StoredMessage> rows = jdbc.query(sql.toString(), messages.rowMapper(), args.toArray());
    String next = null;
    if (rows.size() > limit) {
      rows = rows.subList(0, limit);
      next = PageCursor.encode(rows.get(limit - 1).id());
    }
    return new MessagePage(rows.stream().map(views::summary).toList(), next);
  }

  /**
   * Counts for the app's topics and subscriptions, and the ages of the oldest stuck work. The
   * counts of finished rows come from the stats rollup ({@link StatsRollup}) up to its watermark
   * and from the rows finished since; live rows are counted through their status indexes. One
   * snapshot (REPEATABLE READ) for all of it: a fold, a retention batch or a replay committing
   * between two statements could otherwise count a row twice or not at all.
   */
  @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
  public StatsView stats(AppInfo app) {
    String watermark = rollup.watermark();
    Map<String, Map<MessageStatus, Long>> topics = new TreeMap<>();
    RowCallbackHandler topicCounts =
        rs -> {
          topics
              .computeIfAbsent(rs.getString(1), t -> new EnumMap<>(MessageStatus.class))
              .merge(MessageStatus.valueOf(rs.getString(2)), rs.getLong(3), Long::sum);
        };
    jdbc.query(STATS_FOLDED_MESSAGES, topicCounts, app.id());
    jdbc.query(STATS_RECENT_MESSAGES, topicCounts, watermark, app.id());
    jdbc.query(STATS_LIVE_MESSAGES, topicCounts, app.id());
    topics.values().forEach(counts -> counts.values().removeIf(n -> n == 0));
    topics.values().removeIf(Map::isEmpty);
    String[] subs =
        registry.subscriptions().stream()
            .filter(s -> s.app().equals(app.id()))
            .map(SubscriptionInfo::name)
            .sorted()
            .toArray(String[]::new);
    Map<String, Map<DeliveryStatus, Long>> bySubscription = new TreeMap<>();
    for (String s : subs) {
      bySubscription.put(s, new EnumMap<>(DeliveryStatus.class));
    }
    RowCallbackHandler subscriptionCounts =
        rs -> {
          bySubscription
              .get(rs.getString(1))
              .merge(DeliveryStatus.valueOf(rs.getString(2)), rs.getLong(3), Long::sum);
        };
    jdbc.query(STATS_FOLDED_DELIVERIES, subscriptionCounts, (Object) subs);
    jdbc.query(STATS_RECENT_DELIVERIES, subscriptionCounts, watermark, subs);
    jdbc.query(STATS_LIVE_DELIVERIES, subscriptionCounts, (Object) subs);
    bySubscription.values().forEach(counts -> counts.values().removeIf(n -> n == 0));
    Map<String, Long> parked = deliveries.parkedKeys(List.of(subs));
    Double oldestPrepared =
        jdbc.queryForObject(
            """
            select extract(epoch from now() - min(created_at))::float8 from message
             where app_id = ? and status = 'PREPARED'
            """,
            Double.class,
            app.id());
    Double oldestUnacked =
        jdbc.queryForObject(
            """
            select extract(epoch from now() - min(created_at))::float8 from delivery
             where subscription = any(?::text[]) and status in ('SCHEDULED', 'PUBLISHED')
            """,
            Double.class,
            (Object) subs);
    return new StatsView(
        topics.entrySet().stream()
            .map(e -> new StatsView.TopicStats(e.getKey(), e.getValue()))
            .toList(),
        bySubscription.entrySet().stream()
            .map(
                e ->
                    new StatsView.SubscriptionStats(
                        e.getKey(), e.getValue(), parked.getOrDefault(e.getKey(), 0L)))
            .toList(),
        oldestPrepared,
        oldestUnacked);
  }

  private static void condition(StringBuilder sql, List<Object> args, String clause, Object value) {
    if (value != null) {
      sql.append(clause);
      args.add(value);
    }
  }
}
