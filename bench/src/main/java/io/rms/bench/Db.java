package io.rms.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** One database of one of the bench's PostgreSQL instances, and its cost counters. */
record Db(Postgres instance, String name) {

  String url() {
    return instance.url(name);
  }

  Connection connect() throws SQLException {
    return instance.connect(name);
  }

  void execute(String sql) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  long queryLong(String sql) throws SQLException {
    return query(sql, rs -> rs.getLong(1));
  }

  String queryString(String sql) throws SQLException {
    return query(sql, rs -> rs.getString(1));
  }

  /** Reads the first row's value of a query. */
  private interface Column<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private <T> T query(String sql, Column<T> column) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return column.read(rs);
    }
  }

  /** Commits, WAL bytes and delivery publishes so far, for per-message cost deltas. */
  record Counters(long commits, long walBytes, long publishes) {
    Counters minus(Counters before) {
      return new Counters(
          commits - before.commits, walBytes - before.walBytes, publishes - before.publishes);
    }
  }

  /** The service database's counters (its instance's WAL; {@code delivery}'s attempts). */
  Counters counters() throws SQLException {
    return new Counters(
        queryLong("select xact_commit from pg_stat_database where datname = current_database()"),
        queryLong("select wal_bytes::bigint from pg_stat_wal"),
        queryLong("select coalesce(sum(attempts), 0) from delivery"));
  }
}
