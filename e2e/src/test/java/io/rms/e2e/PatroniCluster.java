package io.rms.e2e;

import io.rms.testsupport.PostgresBinaries;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * A highly available PostgreSQL of the suite's own (s17): a single-node etcd and three PostgreSQL
 * nodes under Patroni (Debian's {@code etcd-server} and {@code patroni}), on free ports, with their
 * data under the run's work directory. Clients reach the primary with a multi-host JDBC URL ({@link
 * #jdbcUrl(String)}, {@code targetServerType=primary}).
 *
 * <p>Its settings are those docs/deploy.md recommends, with short timers so that a failover takes
 * seconds: {@code synchronous_mode} and {@code synchronous_mode_strict} (a commit is acknowledged
 * only once a replica has flushed it, and only such a replica may be promoted; {@link
 * #synchronous(boolean)} turns both off to show what asynchronous replication loses), {@code
 * primary_start_timeout: 0} (a crashed primary is failed over at once rather than restarted),
 * {@code use_pg_rewind} (the old primary comes back as a replica).
 */
final class PatroniCluster implements AutoCloseable {
  private static final PostgresBinaries BIN =
      PostgresBinaries.find(System.getProperty("e2e.pgBin"), "-De2e.pgBin");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final List<PatroniNode> nodes;
  private final Path dir;
  private final Path logs;
  private final int etcdPort = Harness.freePort();
  private final int etcdPeerPort = Harness.freePort();
  private Proc etcd;

  PatroniCluster(Path base, Path logs) {
    for (String tool : List.of("patroni", "etcd")) {
      if (!onPath(tool)) {
        throw new IllegalStateException(
            tool
                + " not found: s17 needs Debian's patroni and etcd-server packages"
                + " (apt-get install patroni etcd-server; .ci/run installs them)");
      }
    }
    this.dir = base.resolve("patroni");
    this.logs = logs;
    List<PatroniNode> list = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      list.add(new PatroniNode("pg" + i, dir, logs));
    }
    this.nodes = List.copyOf(list);
  }

  /** Starts etcd and the three nodes, and waits until {@link #awaitHealthy} holds. */
  void start(Duration timeout) {
    try {
      Files.createDirectories(dir.resolve("etcd"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    String peer = "http://127.0.0.1:" + etcdPeerPort;
    String client = "http://127.0.0.1:" + etcdPort;
    etcd =
        Proc.start(
            "etcd",
            List.of(
                "etcd",
                "--name=e2e",
                "--data-dir=" + dir.resolve("etcd").resolve("data"),
                "--listen-client-urls=" + client,
                "--advertise-client-urls=" + client,
                "--listen-peer-urls=" + peer,
                "--initial-advertise-peer-urls=" + peer,
                "--initial-cluster=e2e=" + peer),
            Map.of(),
            logs.resolve("etcd.log"));
    for (PatroniNode n : nodes) {
      n.configure(config(n));
      if (PostgresBinaries.root()) {
        chownToPostgres(n.dir());
      }
    }
    nodes.forEach(PatroniNode::start); // at once: one wins the bootstrap, the others clone it
    awaitHealthy(true, timeout);
  }

  private String config(PatroniNode n) {
    return """
        scope: rms-e2e
        name: %1$s
        log:
          level: INFO
        restapi:
          listen: 127.0.0.1:%2$d
          connect_address: 127.0.0.1:%2$d
        etcd3:
          hosts: 127.0.0.1:%3$d
        watchdog:
          mode: 'off'
        bootstrap:
          dcs:
            ttl: 10
            loop_wait: 1
            retry_timeout: 3
            primary_start_timeout: 0
            maximum_lag_on_failover: 1048576
            synchronous_mode: true
            synchronous_mode_strict: true
            postgresql:
              use_pg_rewind: true
              use_slots: true
              parameters:
                synchronous_commit: 'on'
                wal_log_hints: 'on'
                max_connections: 200
                shared_buffers: 64MB
                fsync: 'off'
          initdb:
            - encoding: UTF8
            - auth: trust
        postgresql:
          listen: 127.0.0.1:%4$d
          connect_address: 127.0.0.1:%4$d
          data_dir: %5$s
          bin_dir: %6$s
          pgpass: %7$s
          pg_hba:
            - local all all trust
            - host all all 127.0.0.1/32 trust
            - host replication all 127.0.0.1/32 trust
          authentication:
            superuser:
              username: postgres
            replication:
              username: postgres
            rewind:
              username: postgres
          parameters:
            unix_socket_directories: %8$s
        """
        .formatted(
            n.name,
            n.restPort,
            etcdPort,
            n.pgPort,
            n.data(),
            Path.of(BIN.tool("postgres")).getParent(),
            n.dir().resolve("pgpass"),
            n.dir());
  }

  /**
   * The multi-host URL of database {@code db}: the driver tries the nodes in order and keeps the
   * one that accepts writes; it remembers a node's role for {@code hostRecheckSeconds}.
   */
  String jdbcUrl(String db) {
    return "jdbc:postgresql://"
        + nodes.stream().map(n -> "127.0.0.1:" + n.pgPort).collect(Collectors.joining(","))
        + "/"
        + db
        + "?targetServerType=primary&hostRecheckSeconds=2";
  }

  /** A connection to the current primary. */
  Connection connect(String db) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(db) + "&connectTimeout=3", "postgres", "");
  }

  void createDatabase(String db) {
    try (Connection c = connect("postgres");
        Statement s = c.createStatement()) {
      s.execute("create database " + db);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One member as the cluster's REST API reports it. */
  record Member(String name, String role, String state, int timeline) {}

  /** The members, as the first node whose REST API answers reports them. */
  List<Member> members() {
    for (PatroniNode n : nodes) {
      Optional<JsonNode> cluster = rest(n, "GET", "/cluster", null);
      if (cluster.isPresent()) {
        List<Member> members = new ArrayList<>();
        for (JsonNode m : cluster.get().path("members")) {
          members.add(
              new Member(
                  m.path("name").asString(),
                  m.path("role").asString(),
                  m.path("state").asString(),
                  m.path("timeline").asInt()));
        }
        return members;
      }
    }
    return List.of();
  }

  /** The node the cluster names as its leader (the primary), if any. */
  Optional<PatroniNode> leader() {
    return members().stream()
        .filter(m -> m.role().equals("leader") && m.state().equals("running"))
        .findFirst()
        .map(m -> node(m.name()));
  }

  PatroniNode node(String name) {
    return nodes.stream().filter(n -> n.name.equals(name)).findFirst().orElseThrow();
  }

  /** Waits for a running leader that {@code accept}s and answers writes; that node. */
  PatroniNode awaitLeader(Predicate<PatroniNode> accept, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<PatroniNode> leader = leader().filter(accept);
      if (leader.isPresent() && writable(leader.get())) {
        return leader.get();
      }
      Harness.sleep(100);
    }
    throw new IllegalStateException("no new leader within " + timeout + ": " + members());
  }

  private static boolean writable(PatroniNode n) {
    try (Connection c = n.connect("postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select pg_is_in_recovery()")) {
      return rs.next() && !rs.getBoolean(1);
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * Waits until there is a leader and the two other nodes stream from it, and, when {@code
   * synchronous}, one of them is its synchronous standby.
   */
  void awaitHealthy(boolean synchronous, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      for (PatroniNode n : nodes) {
        if (!n.patroniAlive()) {
          throw new IllegalStateException("patroni " + n.name + " exited; see its log");
        }
      }
      Optional<PatroniNode> leader = leader();
      if (leader.isPresent()) {
        String filter = synchronous ? "sync_state = 'sync'" : "true";
        long[] counts =
            counts(
                leader.get(),
                "select count(*) filter (where state = 'streaming'),"
                    + " count(*) filter (where state = 'streaming' and "
                    + filter
                    + ") from pg_stat_replication");
        last = leader.get().name + " streams to " + counts[0] + ", sync " + counts[1];
        if (counts[0] == nodes.size() - 1 && counts[1] >= 1) {
          return;
        }
      }
      Harness.sleep(250);
    }
    throw new IllegalStateException("cluster not healthy within " + timeout + ": " + last);
  }

  /**
   * Switches synchronous replication on or off ({@code synchronous_mode} and {@code
   * synchronous_mode_strict} in the cluster's dynamic configuration, {@code PATCH /config}) and
   * waits until the leader's {@code synchronous_standby_names} follows.
   */
  void synchronous(boolean on) {
    PatroniNode leader = leader().orElseThrow(() -> new IllegalStateException("no leader"));
    rest(
            leader,
            "PATCH",
            "/config",
            "{\"synchronous_mode\": " + on + ", \"synchronous_mode_strict\": " + on + "}")
        .orElseThrow(() -> new IllegalStateException("PATCH /config failed"));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      String names = setting(leader, "synchronous_standby_names");
      if (names != null && names.isEmpty() != on) {
        return;
      }
      Harness.sleep(200);
    }
    throw new IllegalStateException("synchronous_standby_names did not follow " + on);
  }

  /**
   * {@code SIGSTOP} of the WAL senders of {@code primary}: from now on its commits reach no
   * replica. Their pids.
   */
  List<Long> stopWalSenders(PatroniNode primary) {
    List<Long> pids = new ArrayList<>();
    try (Connection c = primary.connect("postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select pid from pg_stat_replication")) {
      while (rs.next()) {
        pids.add(rs.getLong(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    pids.forEach(pid -> Proc.signal("STOP", pid));
    return pids;
  }

  /** A setting of one node ({@code show}), or null if it does not answer. */
  String setting(PatroniNode n, String name) {
    try (Connection c = n.connect("postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("show " + name)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      return null;
    }
  }

  private static long[] counts(PatroniNode n, String sql) {
    try (Connection c = n.connect("postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    } catch (SQLException e) {
      return new long[] {-1, -1};
    }
  }

  private static Optional<JsonNode> rest(PatroniNode n, String method, String path, String body) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.restPort + path))
                  .timeout(Duration.ofSeconds(3))
                  .header("Content-Type", "application/json")
                  .method(
                      method,
                      body == null
                          ? HttpRequest.BodyPublishers.noBody()
                          : HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200
          ? Optional.of(Harness.JSON.readTree(r.body()))
          : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static void chownToPostgres(Path path) {
    try {
      Process p =
          new ProcessBuilder("chown", "-R", "postgres:postgres", path.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) {
        throw new IllegalStateException("chown " + path + " failed: " + out);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static boolean onPath(String tool) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
  }

  /** Stops every node (Patroni first, so that none restarts its PostgreSQL), then etcd. */
  @Override
  public void close() {
    for (PatroniNode n : nodes) {
      try {
        n.close(BIN);
      } catch (RuntimeException ignored) {
        // best effort: the next node still goes
      }
    }
    if (etcd != null) {
      etcd.kill9();
    }
    Proc.killLeftovers(dir.toString());
  }
}
