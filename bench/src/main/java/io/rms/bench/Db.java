package io.rms.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Database administration and the counters the cost figures come from. */
final class Db {
  static final String BASE = "jdbc:postgresql://127.0.0.1:5432/";

  private Db() {}

  static Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(BASE + database, "postgres", "");
  }

  static void execute(String database, String sql) throws SQLException {
    try (Connection c = connect(database);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static long queryLong(String database, String sql) throws SQLException {
    try (Connection c = connect(database);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static String queryString(String database, String sql) throws SQLException {
    try (Connection c = connect(database);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Commits, WAL bytes and delivery publishes so far, for per-message cost deltas. */
  record Counters(long commits, long walBytes, long publishes) {
    Counters minus(Counters before) {
      return new Counters(
          commits - before.commits, walBytes - before.walBytes, publishes - before.publishes);
    }
  }

  static Counters counters(String database) throws SQLException {
    return new Counters(
        queryLong(
            database,
            "select xact_commit from pg_stat_database where datname = current_database()"),
        queryLong(database, "select wal_bytes::bigint from pg_stat_wal"),
        queryLong(database, "select coalesce(sum(attempts), 0) from delivery"));
  }
}
