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
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Reads for the API: one message with its history, keyset-paginated lists, stats. */
@Service
@Transactional(readOnly = true)
public class MessageQueries {
  private final JdbcTemplate jdbc;
  private final MessageStore messages;
  private final DeliveryStore deliveries;
  private final EventStore events;
  private final MessageViews views;
  private final Registry registry;

  MessageQueries(
      JdbcTemplate jdbc,
      MessageStore messages,
      DeliveryStore deliveries,
      EventStore events,
      MessageViews views,
      Registry registry) {
    this.jdbc = jdbc;
    this.messages = messages;
    this.deliveries = deliveries;
    this.events = events;
    this.views = views;
    this.registry = registry;
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

  /** Counts for the app's topics and subscriptions, and the ages of the oldest stuck work. */
  public StatsView stats(AppInfo app) {
    Map<String, Map<MessageStatus, Long>> topics = new TreeMap<>();
    jdbc.query(
        "select topic, status, count(*) from message where app_id = ? group by topic, status",
        rs -> {
          topics
              .computeIfAbsent(rs.getString(1), t -> new EnumMap<>(MessageStatus.class))
              .put(MessageStatus.valueOf(rs.getString(2)), rs.getLong(3));
        },
        app.id());
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
    jdbc.query(
        """
        select subscription, status, count(*) from delivery
         where subscription = any(?::text[]) group by subscription, status
        """,
        rs -> {
          bySubscription
              .get(rs.getString(1))
              .put(DeliveryStatus.valueOf(rs.getString(2)), rs.getLong(3));
        },
        (Object) subs);
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
