package io.rms.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * What the {@code keyed} and {@code ordered} scenarios prove about ordering: ordered against keyed
 * (the same load, the best of each sweep in the run, against the target) and the ordering check of
 * the ordered subscription's deliveries.
 */
final class OrderingCheck {
  /** The goal for ordering: at least this share of the unordered rate with the same keys. */
  static final double ORDERED_TARGET = 0.8;

  private OrderingCheck() {}

  /** Ordered against keyed: the same load, the best of each sweep in this run. */
  static void orderedToKeyed(Report report, int orderingKeys) {
    Double keyed = report.bestRate("keyed");
    Double ordered = report.bestRate("ordered");
    if (keyed == null || ordered == null) {
      return;
    }
    report.ordering.put("ordering_keys", orderingKeys);
    report.ordering.put("keyed_per_s", keyed);
    report.ordering.put("ordered_per_s", ordered);
    report.ordering.put("ratio", ordered / keyed);
    report.ordering.put("target", ORDERED_TARGET);
    report.ordering.put("met", ordered / keyed >= ORDERED_TARGET);
    Bench.log("ordered / keyed = %.2f (target >= %.1f)", ordered / keyed, ORDERED_TARGET);
  }

  /**
   * Counts, on the ordered subscription, deliveries whose publish was booked before the previous
   * message of their key (by {@code order_seq}) was acked: each one is a broken order, so the count
   * must be 0. One pass over the subscription's deliveries. {@code published_at} is when the
   * broker's confirm was booked, after the publish itself, so the check can miss an inversion but
   * never reports a false one; the pairs it could compare (both timestamps set) are reported too.
   */
  static void check(Db serviceDb, Report report, String subscription) throws Exception {
    String sql =
        """
        select count(*) filter (where published_at < previous_acked_at),
               count(*) filter (where published_at is not null and previous_acked_at is not null)
          from (select d.published_at,
                       lag(d.acked_at) over (partition by m.ordering_key order by m.order_seq)
                         as previous_acked_at
                  from delivery d join message m on m.id = d.message_id
                 where d.subscription = ? and m.order_seq is not null) pairs
        """;
    try (Connection c = serviceDb.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, subscription);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        report.ordering.put("inversions", rs.getLong(1));
        report.ordering.put("pairs_checked", rs.getLong(2));
        Bench.log("  ordering check: %d inversions in %d pairs", rs.getLong(1), rs.getLong(2));
      }
    }
  }
}
