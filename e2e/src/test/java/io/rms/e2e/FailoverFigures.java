package io.rms.e2e;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What s17 reads from the service's database on a Patroni cluster after a failover: the write pause
 * (confirms seen by the database) and the Quartz cluster's check-ins.
 */
final class FailoverFigures {
  private FailoverFigures() {}

  /**
   * The longest time between two consecutive successful confirms of a scenario ({@code
   * message.confirmed_at}, the database's clock): from the confirm before the gap to the one after
   * it. Under steady load that gap is the failover's write pause.
   */
  record WritePause(Instant from, Instant to) {
    Duration length() {
      return from == null ? Duration.ZERO : Duration.between(from, to);
    }
  }

  static WritePause writePause(Checker.Database db, String scenario) {
    List<Instant> confirms =
        instants(
            db,
            "select confirmed_at from message where business_key like ?"
                + " and confirmed_at is not null order by 1",
            scenario + "-%");
    WritePause longest = new WritePause(null, null);
    for (int i = 1; i < confirms.size(); i++) {
      WritePause gap = new WritePause(confirms.get(i - 1), confirms.get(i));
      if (gap.length().compareTo(longest.length()) > 0) {
        longest = gap;
      }
    }
    return longest;
  }

  /** When each member of the Quartz cluster last checked in ({@code qrtz_scheduler_state}). */
  static List<Instant> quartzCheckIns(Checker.Database db) {
    try (Connection c = db.connect("rms");
        PreparedStatement ps =
            c.prepareStatement("select last_checkin_time from qrtz_scheduler_state");
        ResultSet rs = ps.executeQuery()) {
      List<Instant> at = new ArrayList<>();
      while (rs.next()) {
        at.add(Instant.ofEpochMilli(rs.getLong(1)));
      }
      return at;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The Quartz members' check-in times once {@code members} of them have checked in after {@code
   * after}, or as they are when {@code timeout} ran out. A member whose check-in fell into the
   * write pause can be taken for dead by the other, which removes its row; it writes the row again
   * at its next check-in (every 5 s), so one read right after the failover can miss it.
   */
  static List<Instant> awaitQuartzCheckIns(
      Checker.Database db, int members, Instant after, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      List<Instant> checkIns = quartzCheckIns(db);
      boolean all =
          checkIns.size() == members && checkIns.stream().allMatch(at -> at.isAfter(after));
      if (all || Instant.now().isAfter(deadline)) {
        return checkIns;
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return checkIns;
      }
    }
  }

  /** The number {@code select count(*) …} answers (with {@code param}) in the service's db. */
  static long count(Checker.Database db, String sql, String param) {
    try (Connection c = db.connect("rms");
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, param);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Instant> instants(Checker.Database db, String sql, String param) {
    try (Connection c = db.connect("rms");
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, param);
      List<Instant> at = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          at.add(rs.getTimestamp(1).toInstant());
        }
      }
      return at;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
