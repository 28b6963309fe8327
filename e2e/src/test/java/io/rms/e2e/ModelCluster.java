package io.rms.e2e;

import io.rms.testsupport.RegistryArgs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The processes of the ordering model test ({@code io.rms.e2e.model}): one private PostgreSQL, one
 * private RabbitMQ node and two service replicas on them, each a separate process that can be
 * killed with {@code kill -9} and started again. The test talks to the replicas directly (no
 * proxies); the apps it needs are registered from configuration, the subscriptions it tests are
 * created over the dashboard so that a restarted replica does not reset them.
 */
public final class ModelCluster implements AutoCloseable {
  public static final String PRODUCER_KEY = "model-producer-key";
  public static final String CONSUMER_KEY = "model-consumer-key";
  public static final String OPERATOR_KEY = "model-operator-key";
  public static final String CONSUMER_APP = "model-consumer";
  public static final String ADMIN_USER = "model-admin";
  public static final String ADMIN_PASSWORD = "model-admin-password-2026";
  public static final int REPLICAS = 2;

  private final Path base;
  private final Postgres pg;
  private final Rabbit rabbit;
  private final int[] ports = new int[REPLICAS];
  private final JavaApp[] replicas = new JavaApp[REPLICAS];
  private final RandomAccessFile lockFile;
  private final FileLock lock;

  /**
   * Starts everything with the service settings {@code settings} ({@code rms.…} keys without the
   * leading dashes). Waits up to ten minutes for another e2e run on this machine to finish.
   */
  public ModelCluster(Path workDir, Path serviceJar, Map<String, String> settings)
      throws IOException {
    lockFile = new RandomAccessFile("/tmp/rms-e2e.lock", "rw");
    lock = awaitLock();
    Proc.killLeftovers(Harness.MARKER_PREFIX);
    base =
        Files.createTempDirectory(
            Path.of("/tmp"),
            "rms-e2e-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Path logs = workDir.resolve("logs");
    Files.createDirectories(logs);
    pg = new Postgres("model", base, logs, Harness.freePort());
    rabbit =
        new Rabbit(base, logs, "rabbit-model", Harness.freePort(), Harness.freePort(), List.of());
    Thread pgStart = new Thread(pg::start);
    pgStart.start();
    rabbit.start();
    try {
      pgStart.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pg.createDatabase("rms");
    for (int i = 0; i < REPLICAS; i++) {
      ports[i] = Harness.freePort();
      replicas[i] = replica(i, serviceJar, logs, settings);
    }
    // the first one applies the schema alone, then the second joins
    replicas[0].start(Duration.ofMinutes(4));
    replicas[1].start(Duration.ofMinutes(4));
  }

  private FileLock awaitLock() throws IOException {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (true) {
      try {
        FileLock l = lockFile.getChannel().tryLock();
        if (l != null) {
          return l;
        }
      } catch (OverlappingFileLockException held) {
        // another test class of this JVM still holds it
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("another e2e run holds /tmp/rms-e2e.lock");
      }
      Harness.sleep(2000);
    }
  }

  private JavaApp replica(int i, Path jar, Path logs, Map<String, String> settings) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-jar",
                jar.toString(),
                "--server.port=" + ports[i],
                "--management.server.port=" + Harness.freePort(),
                "--spring.datasource.url=" + pg.url("rms"),
                "--spring.datasource.username=postgres",
                "--spring.datasource.hikari.connection-timeout=3000",
                "--spring.rabbitmq.addresses=127.0.0.1:" + rabbit.port,
                "--spring.rabbitmq.username=guest",
                "--spring.rabbitmq.password=guest",
                "--rms.dashboard.admin.username=" + ADMIN_USER,
                "--rms.dashboard.admin.password=" + ADMIN_PASSWORD));
    args.addAll(
        new RegistryArgs()
            .app("model-producer", PRODUCER_KEY, "*")
            .app(CONSUMER_APP, CONSUMER_KEY)
            .app("model-operator", OPERATOR_KEY)
            .roles("OPERATOR")
            .list());
    new TreeMap<>(settings).forEach((k, v) -> args.add("--" + k + "=" + v));
    args.add("--logging.level.root=WARN");
    args.add("--logging.level.org.springframework.boot.StartupInfoLogger=INFO");
    String name = "model-service-" + (i + 1);
    // the management port is part of the command line, so a restart reuses it
    String mgmt = args.get(3).substring("--management.server.port=".length());
    return JavaApp.of(
        name,
        base.toString(),
        List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
        args,
        logs.resolve(name + ".log"),
        "http://127.0.0.1:" + mgmt + "/actuator/health/readiness",
        null);
  }

  /** The API (and dashboard) port of replica {@code i}. */
  public int port(int i) {
    return ports[i];
  }

  public boolean alive(int i) {
    return replicas[i].alive();
  }

  /** {@code kill -9} of replica {@code i}. */
  public void kill(int i) {
    replicas[i].kill9();
  }

  /** Starts replica {@code i} again and waits until it is ready. */
  public void start(int i) {
    replicas[i].start(Duration.ofMinutes(4));
  }

  public int amqpPort() {
    return rabbit.port;
  }

  /** A new connection to the service's database. */
  public Connection database() throws SQLException {
    return DriverManager.getConnection(pg.url("rms"), "postgres", "");
  }

  /** The last lines of replica {@code i}'s log. */
  public String tail(int i, int lines) {
    return replicas[i].tail(lines);
  }

  @Override
  public void close() {
    for (JavaApp r : replicas) {
      try {
        if (r != null && r.alive()) {
          r.kill9();
        }
      } catch (RuntimeException ignored) {
        // best effort
      }
    }
    rabbit.close();
    pg.close();
    Proc.killAll();
    try {
      new ProcessBuilder("rm", "-rf", base.toString()).start().waitFor();
      lock.release();
      lockFile.close();
    } catch (IOException e) {
      // leave it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
