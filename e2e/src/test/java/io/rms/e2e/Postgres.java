package io.rms.e2e;

import io.rms.testsupport.PostgresBinaries;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A private PostgreSQL (the Debian binaries) on its own port and data directory, run as the {@code
 * postgres} user when the harness is root. Killing or restarting it harms nothing else.
 */
final class Postgres implements AutoCloseable {
  /** {@code -De2e.pgBin}, else the newest {@code /usr/lib/postgresql/<version>/bin} (Debian). */
  private static final PostgresBinaries BIN =
      PostgresBinaries.find(System.getProperty("e2e.pgBin"), "-De2e.pgBin");

  final String name;
  final int port;
  private final Path dir;
  private final Path data;
  private final Path logDir;
  private Proc proc;

  Postgres(String name, Path base, Path logDir, int port) {
    this.name = name;
    this.port = port;
    this.dir = base.resolve(name);
    this.data = dir.resolve("data");
    this.logDir = logDir;
    BIN.initdb(dir, data);
  }

  /** Starts the postmaster and waits until it accepts connections. */
  void start() {
    proc =
        Proc.start(
            "postgres-" + name,
            PostgresBinaries.asPostgres(
                List.of(
                    BIN.tool("postgres"),
                    "-D",
                    data.toString(),
                    "-p",
                    Integer.toString(port),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    "unix_socket_directories=" + dir,
                    "-c",
                    "max_connections=400",
                    "-c",
                    "fsync=off", // a process crash keeps the OS cache; commits stay durable
                    "-c",
                    "shared_buffers=128MB",
                    "-c",
                    "log_min_messages=warning")),
            Map.of(),
            logDir.resolve("postgres-" + name + ".log"));
    awaitReady(Duration.ofSeconds(60));
  }

  /** {@code pg_ctl stop -m immediate} (a crash: no checkpoint, recovery at the next start). */
  void stopImmediate() {
    BIN.stop(data, "immediate");
    if (proc != null) {
      try {
        proc.process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      proc.kill9();
    }
  }

  String url(String db) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + db;
  }

  Connection connect(String db) throws SQLException {
    return DriverManager.getConnection(url(db), "postgres", "");
  }

  /** Reads one value of the current row of a result. */
  interface Column<T> {
    T get(ResultSet rs) throws SQLException;
  }

  /** The first column as an instant (of a {@code timestamp} or {@code timestamptz}). */
  static final Column<Instant> INSTANT = rs -> rs.getTimestamp(1).toInstant();

  /**
   * What {@code column} reads from every row of {@code sql} (with {@code params}) in {@code db}.
   */
  <T> List<T> query(String db, String sql, Column<T> column, Object... params) {
    try (Connection c = connect(db);
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i] instanceof Instant at ? Timestamp.from(at) : params[i]);
      }
      List<T> values = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          values.add(column.get(rs));
        }
      }
      return values;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The number {@code select count(*) …} answers (with {@code params}) in {@code db}. */
  long count(String db, String sql, Object... params) {
    return query(db, sql, rs -> rs.getLong(1), params).get(0);
  }

  void createDatabase(String db) {
    try (Connection c = connect("postgres")) {
      c.createStatement().execute("create database " + db);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      try (Connection c = connect("postgres")) {
        return;
      } catch (SQLException e) {
        last = e;
      }
      if (!proc.alive()) {
        throw new IllegalStateException("postgres " + name + " exited:\n" + proc.tail(30));
      }
      Harness.sleep(200);
    }
    throw new IllegalStateException("postgres " + name + " not ready", last);
  }

  @Override
  public void close() {
    try {
      stopImmediate();
    } catch (RuntimeException e) {
      if (proc != null) {
        proc.kill9();
      }
    }
  }
}
