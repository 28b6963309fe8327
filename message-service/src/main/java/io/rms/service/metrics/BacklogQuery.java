package io.rms.service.metrics;

import io.rms.api.DeliveryStatus;
import io.rms.api.MessageStatus;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The backlog read in a few statements. Each is bounded by a statement timeout and reads only the
 * work in flight: counts are index range scans per (app, status) and (subscription, status) over
 * the non-final statuses, ages scan the PREPARED rows and the due deliveries. Final states
 * (DELIVERED, CANCELLED, ACKED) grow with traffic until retention, so they are never counted. Ages
 * come from the database clock.
 */
class BacklogQuery {
  /** Message statuses that are still in flight. */
  static final List<String> MESSAGE_STATUSES =
      Arrays.stream(MessageStatus.values()).filter(s -> !s.isFinal()).map(Enum::name).toList();

  /** Delivery statuses that are still in flight or need an operator. */
  static final List<String> DELIVERY_STATUSES =
      List.of(
          DeliveryStatus.WAITING.name(),
          DeliveryStatus.SCHEDULED.name(),
          DeliveryStatus.PUBLISHED.name(),
          DeliveryStatus.DEAD.name());

  private final JdbcTemplate jdbc;
  private final long waitingKeyThresholdMillis;

  BacklogQuery(DataSource dataSource, MetricsProperties properties) {
    this.waitingKeyThresholdMillis = properties.waitingKeyThreshold().toMillis();
    this.jdbc = new JdbcTemplate(dataSource);
    this.jdbc.setQueryTimeout((int) Math.max(1, properties.queryTimeout().toSeconds()));
  }

  BacklogSnapshot read() {
    Map<String, Long> messages = new LinkedHashMap<>();
    MESSAGE_STATUSES.forEach(status -> messages.put(status, 0L));
    jdbc.query(
        """
        select st.status, sum(c.n)
          from unnest(?::text[]) as st(status)
          cross join app a
          cross join lateral (
            select count(*) as n from message m where m.app_id = a.id and m.status = st.status
          ) c
         group by st.status
        """,
        rs -> {
          messages.put(rs.getString(1), rs.getLong(2));
        },
        (Object) MESSAGE_STATUSES.toArray(String[]::new));

    Map<String, Map<String, Long>> deliveries = new TreeMap<>();
    jdbc.query(
        """
        select s.name, st.status, c.n
          from subscription s
          cross join unnest(?::text[]) as st(status)
          cross join lateral (
            select count(*) as n from delivery d
             where d.subscription = s.name and d.status = st.status
          ) c
        """,
        rs -> {
          deliveries
              .computeIfAbsent(rs.getString(1), name -> new LinkedHashMap<>())
              .put(rs.getString(2), rs.getLong(3));
        },
        (Object) DELIVERY_STATUSES.toArray(String[]::new));

    Double oldestPrepared =
        jdbc.queryForObject(
            """
            select extract(epoch from now() - min(created_at))::float8
              from message where status = 'PREPARED'
            """,
            Double.class);

    Map<String, Double> oldestUnacked = new HashMap<>();
    deliveries.keySet().forEach(name -> oldestUnacked.put(name, 0.0));
    jdbc.query(
        """
        select d.subscription,
               extract(epoch from now() - min(greatest(d.created_at, m.deliver_after)))::float8
          from delivery d join message m on m.id = d.message_id
         where d.status in ('SCHEDULED', 'PUBLISHED')
           and (m.deliver_after is null or m.deliver_after <= now())
         group by d.subscription
        """,
        rs -> {
          oldestUnacked.put(rs.getString(1), Math.max(0, rs.getDouble(2)));
        });

    Map<String, Long> parked = new TreeMap<>();
    jdbc.query(
        """
        select s.name, count(m.id)
          from subscription s
          left join delivery d on d.subscription = s.name and d.status = 'DEAD'
          left join message m on m.id = d.message_id and m.order_seq is not null
         where s.ordered
         group by s.name
        """,
        rs -> {
          parked.put(rs.getString(1), rs.getLong(2));
        });

    return new BacklogSnapshot(
        messages,
        deliveries,
        oldestPrepared == null ? 0 : Math.max(0, oldestPrepared),
        oldestUnacked,
        parked,
        waitingTooLong());
  }

  /**
   * Per ordered subscription (and any other one still holding WAITING deliveries), the ordering
   * keys with a WAITING delivery created longer than the threshold ago: whatever holds them (a slow
   * or parked head, an unresolved PREPARED message, a stranded key), they have not moved for that
   * long. Reads only the WAITING rows (index {@code delivery_waiting}).
   */
  private Map<String, Long> waitingTooLong() {
    Map<String, Long> waiting = new TreeMap<>();
    jdbc.query(
        """
        select s.name,
               count(distinct (m.topic, m.ordering_key))
                 filter (where d.created_at < now() - ? * interval '1 millisecond')
          from subscription s
          left join delivery d on d.subscription = s.name and d.status = 'WAITING'
          left join message m on m.id = d.message_id
         where s.ordered or d.message_id is not null
         group by s.name
        """,
        rs -> {
          waiting.put(rs.getString(1), rs.getLong(2));
        },
        waitingKeyThresholdMillis);
    return waiting;
  }
}
