package io.rms.bench;

import io.rms.testsupport.PostgresBinaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL instance of the bench's own: the newest Debian server binaries ({@code
 * /usr/lib/postgresql/<version>/bin}, or {@code BENCH_PG_BIN}), a data directory under a temporary
 * directory, a free port, and production-like settings ({@link #SETTINGS}). Run as the {@code
 * postgres} user when the harness is root; stopped and deleted by {@link #close()}.
 */
final class Postgres implements AutoCloseable {
  /**
   * What the instances run with, as a production server would: durable commits (fsync and
   * synchronous commit on), autovacuum on with the tighter scale factors production servers
   * commonly use, WAL sized so that checkpoints come from the timeout rather than from WAL volume.
   */
  static final Map<String, String> SETTINGS = new LinkedHashMap<>();

  static {
    SETTINGS.put("max_connections", "300");
    SETTINGS.put("shared_buffers", "512MB");
    SETTINGS.put("effective_cache_size", "4GB");
    SETTINGS.put("maintenance_work_mem", "256MB");
    SETTINGS.put("fsync", "on");
    SETTINGS.put("synchronous_commit", "on");
    SETTINGS.put("full_page_writes", "on");
    SETTINGS.put("wal_level", "replica");
    SETTINGS.put("wal_buffers", "16MB");
    SETTINGS.put("wal_compression", "on");
    SETTINGS.put("max_wal_size", "4GB");
    SETTINGS.put("min_wal_size", "1GB");
    SETTINGS.put("checkpoint_timeout", "5min");
    SETTINGS.put("checkpoint_completion_target", "0.9");
    SETTINGS.put("autovacuum", "on");
    SETTINGS.put("autovacuum_naptime", "1min");
    SETTINGS.put("autovacuum_vacuum_scale_factor", "0.05");
    SETTINGS.put("autovacuum_vacuum_insert_scale_factor", "0.05");
    SETTINGS.put("autovacuum_analyze_scale_factor", "0.02");
    SETTINGS.put("autovacuum_vacuum_cost_limit", "1000");
    SETTINGS.put("random_page_cost", "1.1");
    SETTINGS.put("effective_io_concurrency", "200");
    // the bench's own diagnosis (statements per message, Statements); a few % of a backend's time
    SETTINGS.put("shared_preload_libraries", "pg_stat_statements");
  }

  private static final PostgresBinaries BIN =
      PostgresBinaries.find(System.getenv("BENCH_PG_BIN"), "BENCH_PG_BIN");

  final String name;
  final int port;
  private final Path dir;
  private final Path data;
  private final Path log;
  private Process process;

  private Postgres(String name, Path base, int port) {
    this.name = name;
    this.port = port;
    this.dir = base.resolve(name);
    this.data = dir.resolve("data");
    this.log = dir.resolve("postgres.log");
  }

  /** Creates the instance's cluster under {@code base}, starts it and waits until it answers. */
  static Postgres start(String name, Path base) throws Exception {
    Postgres pg = new Postgres(name, base, Bench.freePort());
    BIN.initdb(pg.dir, pg.data);
    pg.startServer();
    return pg;
  }

  private void startServer() throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(BIN.tool("postgres"));
    cmd.addAll(List.of("-D", data.toString(), "-p", Integer.toString(port)));
    cmd.addAll(List.of("-c", "listen_addresses=127.0.0.1"));
    cmd.addAll(List.of("-c", "unix_socket_directories=" + dir));
    cmd.addAll(List.of("-c", "log_min_messages=warning"));
    SETTINGS.forEach((k, v) -> cmd.addAll(List.of("-c", k + "=" + v)));
    process =
        new ProcessBuilder(PostgresBinaries.asPostgres(cmd))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Connection c = connect("postgres")) {
        return;
      } catch (SQLException notYet) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "PostgreSQL " + name + " did not start:\n" + Files.readString(log));
        }
        Thread.sleep(200);
      }
    }
  }

  String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(url(database), "postgres", "");
  }

  /** A database of this instance (created). */
  Db createDatabase(String database) throws SQLException {
    db("postgres").execute("create database " + database);
    db(database).execute("create extension if not exists pg_stat_statements");
    return db(database);
  }

  Db db(String database) {
    return new Db(this, database);
  }

  /** The postmaster's pid (its children are the backends and the auxiliary processes). */
  long postmasterPid() {
    try {
      return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
    } catch (IOException | RuntimeException gone) {
      return -1;
    }
  }

  /** The server's values of {@link #SETTINGS}, as it reports them. */
  Map<String, String> effectiveSettings() throws SQLException {
    Map<String, String> effective = new LinkedHashMap<>();
    try (Connection c = connect("postgres")) {
      for (String name : SETTINGS.keySet()) {
        try (ResultSet rs =
            c.createStatement().executeQuery("select current_setting('" + name + "')")) {
          rs.next();
          effective.put(name, rs.getString(1));
        }
      }
    }
    return effective;
  }

  /** Stops the server (fast shutdown) and deletes its directory. */
  @Override
  public void close() {
    try {
      BIN.stop(data, "fast");
    } catch (RuntimeException e) {
      Bench.log("PostgreSQL %s: pg_ctl stop failed (%s); killing it", name, e.getMessage());
    }
    if (process != null) {
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    long postmaster = postmasterPid();
    if (postmaster > 0) {
      ProcessHandle.of(postmaster).ifPresent(ProcessHandle::destroyForcibly);
    }
    deleteRecursively(dir);
  }

  static void deleteRecursively(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> all = Files.walk(path)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      Bench.log("could not delete %s: %s", path, e);
    }
  }
}
