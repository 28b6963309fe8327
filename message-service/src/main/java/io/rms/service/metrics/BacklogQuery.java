package io.rms.service.metrics;

import io.rms.api.DeliveryStatus;
import io.rms.api.MessageStatus;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The backlog read in four statements, each bounded by a statement timeout and returning at most
 * (statuses × subscriptions) rows. Ages come from the database clock. Counting uses the status
 * indexes (index-only where the visibility map allows).
 */
class BacklogQuery {
  private final JdbcTemplate jdbc;

  BacklogQuery(DataSource dataSource, MetricsProperties properties) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.jdbc.setQueryTimeout((int) Math.max(1, properties.queryTimeout().toSeconds()));
  }

  BacklogSnapshot read() {
    Map<String, Long> messages = new LinkedHashMap<>();
    Arrays.stream(MessageStatus.values()).forEach(s -> messages.put(s.name(), 0L));
    jdbc.query(
        "select status, count(*) from message group by status",
        rs -> {
          messages.put(rs.getString(1), rs.getLong(2));
        });

    Map<String, Map<String, Long>> deliveries = new TreeMap<>();
    jdbc.query(
        """
        select s.name, d.status, count(d.message_id)
          from subscription s left join delivery d on d.subscription = s.name
         group by s.name, d.status
        """,
        rs -> {
          Map<String, Long> byStatus =
              deliveries.computeIfAbsent(rs.getString(1), name -> zeroDeliveries());
          String status = rs.getString(2);
          if (status != null) {
            byStatus.put(status, rs.getLong(3));
          }
        });

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

    return new BacklogSnapshot(
        messages,
        deliveries,
        oldestPrepared == null ? 0 : Math.max(0, oldestPrepared),
        oldestUnacked);
  }

  private static Map<String, Long> zeroDeliveries() {
    Map<String, Long> zero = new LinkedHashMap<>();
    Arrays.stream(DeliveryStatus.values()).forEach(s -> zero.put(s.name(), 0L));
    return zero;
  }
}
