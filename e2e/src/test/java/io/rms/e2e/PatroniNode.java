package io.rms.e2e;

import io.rms.testsupport.PostgresBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One member of a {@link PatroniCluster}: a Patroni process (Debian's {@code patroni}, as the
 * {@code postgres} user when the harness is root) that runs a PostgreSQL of its own on {@link
 * #pgPort}, with its data directory under the run's work directory and its REST API on {@link
 * #restPort}. Patroni starts the postmaster detached from itself, so the postmaster is found by its
 * {@code postmaster.pid}, never as a child of the Patroni process.
 */
final class PatroniNode {
  final String name;
  final int pgPort;
  final int restPort;
  private final Path dir;
  private final Path data;
  private final Path log;
  private Proc patroni;

  PatroniNode(String name, Path base, Path logDir) {
    this.name = name;
    this.pgPort = Harness.freePort();
    this.restPort = Harness.freePort();
    this.dir = base.resolve(name);
    this.data = dir.resolve("data");
    this.log = logDir.resolve("patroni-" + name + ".log");
  }

  /** Writes the node's configuration ({@code config}: the cluster's YAML with this node's part). */
  void configure(String config) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("patroni.yml"), config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path dir() {
    return dir;
  }

  Path data() {
    return data;
  }

  /** Starts Patroni, which bootstraps, clones or starts its PostgreSQL by itself. */
  void start() {
    patroni =
        Proc.start(
            "patroni-" + name,
            PostgresBinaries.asPostgres(List.of("patroni", dir.resolve("patroni.yml").toString())),
            Map.of(),
            log);
  }

  boolean patroniAlive() {
    return patroni != null && patroni.alive();
  }

  String url(String db) {
    return "jdbc:postgresql://127.0.0.1:" + pgPort + "/" + db + "?connectTimeout=3";
  }

  /** A connection to this node (primary or replica). */
  Connection connect(String db) throws SQLException {
    return DriverManager.getConnection(url(db), "postgres", "");
  }

  /** The running postmaster's pid, from the first line of {@code postmaster.pid}. */
  OptionalLong postmaster() {
    try {
      List<String> lines = Files.readAllLines(data.resolve("postmaster.pid"));
      long pid = Long.parseLong(lines.get(0).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent()
          ? OptionalLong.of(pid)
          : OptionalLong.empty();
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** The processes of the postmaster {@link #killPostmaster} killed, as they were then. */
  private List<ProcessHandle> orphans = List.of();

  /**
   * {@code kill -9} (SIGKILL, sent directly) of the postmaster alone: its backends and WAL senders
   * notice its death and exit; Patroni, still running, sees PostgreSQL gone. The postmaster's pid.
   */
  long killPostmaster() {
    long pid = postmaster().orElseThrow(() -> new IllegalStateException(name + ": no postmaster"));
    orphans = ProcessHandle.of(pid).map(h -> h.children().toList()).orElse(List.of());
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    return pid;
  }

  /**
   * What {@link #killPostmaster} left: the dead postmaster's processes still alive after {@code
   * grace} are killed ({@code kill -9}), as a server's supervisor would. While one lives it keeps
   * the old shared memory attached and Patroni's crash recovery of the node fails ("pre-existing
   * shared memory block is still in use"), so the node could never rejoin. Returns how many were
   * still alive.
   */
  int killOrphansAfter(Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    while (orphans.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      Harness.sleep(100);
    }
    List<ProcessHandle> left = orphans.stream().filter(ProcessHandle::isAlive).toList();
    left.forEach(ProcessHandle::destroyForcibly);
    orphans = List.of();
    return left.size();
  }

  /**
   * {@code kill -9} of the postmaster and every process under it at once (a crash of the server:
   * nothing more leaves it, not even what stopped WAL senders still hold).
   */
  void crash() {
    long pid = postmaster().orElseThrow(() -> new IllegalStateException(name + ": no postmaster"));
    List<ProcessHandle> children =
        ProcessHandle.of(pid).map(h -> h.children().toList()).orElse(List.of());
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    children.forEach(ProcessHandle::destroyForcibly);
  }

  /**
   * Stops Patroni ({@code kill -9}: it must not restart anything), then its PostgreSQL ({@code
   * pg_ctl -m immediate}), then anything left that names the node's directory.
   */
  void close(PostgresBinaries bin) {
    if (patroni != null) {
      patroni.kill9();
    }
    if (postmaster().isPresent()) {
      try {
        bin.stop(data, "immediate");
      } catch (RuntimeException e) {
        postmaster().ifPresent(pid -> Proc.signal("KILL", pid));
      }
    }
    Proc.killLeftovers(dir.toString());
  }
}
