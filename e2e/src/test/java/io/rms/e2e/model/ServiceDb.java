package io.rms.e2e.model;

import io.rms.e2e.ModelCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** What the service's database says about the subscription under test (read only). */
final class ServiceDb {
  /** A delivery of the subscription with its message's key, place and status. */
  record Row(UUID id, String topic, String key, Long seq, String status, String messageStatus) {
    String keyName() {
      return topic + "/" + key;
    }
  }

  /** The subscription's row. */
  record Sub(String topic, boolean active) {}

  private final ModelCluster cluster;

  ServiceDb(ModelCluster cluster) {
    this.cluster = cluster;
  }

  List<Row> deliveries(String subscription) {
    List<Row> rows = new ArrayList<>();
    try (Connection c = cluster.database();
        PreparedStatement ps =
            c.prepareStatement(
                """
                select m.id, m.topic, m.ordering_key, m.order_seq, d.status, m.status
                  from delivery d join message m on m.id = d.message_id
                 where d.subscription = ?
                 order by m.topic, m.ordering_key, m.order_seq nulls last, m.id
                """)) {
      ps.setString(1, subscription);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long seq = rs.getLong(4);
          Long place = rs.wasNull() ? null : seq;
          rows.add(
              new Row(
                  rs.getObject(1, UUID.class),
                  rs.getString(2),
                  rs.getString(3),
                  place,
                  rs.getString(5),
                  rs.getString(6)));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return rows;
  }

  Sub subscription(String name) {
    try (Connection c = cluster.database();
        PreparedStatement ps =
            c.prepareStatement("select topic, active from subscription where name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new Sub(rs.getString(1), rs.getBoolean(2)) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The subscription's deliveries that are not final (ACKED or DISCARDED). */
  long unfinished(String subscription) {
    return deliveries(subscription).stream()
        .filter(r -> !r.status().equals("ACKED") && !r.status().equals("DISCARDED"))
        .count();
  }
}
