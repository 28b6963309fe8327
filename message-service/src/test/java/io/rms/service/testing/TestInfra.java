package io.rms.service.testing;

import io.rms.service.embedded.EmbeddedBroker;
import io.rms.service.embedded.EmbeddedDatabase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The PostgreSQL and AMQP broker the integration tests run against, once per JVM.
 *
 * <p>{@code RMS_TEST_INFRA=real} (CI) uses the local PostgreSQL (127.0.0.1:5432, a fresh database
 * per JVM, dropped at exit) and RabbitMQ (127.0.0.1:5672, queues under a per-JVM prefix, deleted at
 * exit) and fails if they are not there. {@code embedded} starts embedded PostgreSQL and Qpid
 * Broker-J. {@code auto} (default) uses the real ones when their ports answer, else embedded, so
 * {@code ./mvnw verify} works on a machine with neither.
 */
public final class TestInfra {
  private static TestInfra instance;

  public final boolean real;
  public final String jdbcUrl;
  public final String amqpHost;
  public final int amqpPort;
  public final String runId;
  public final String queuePrefix;
  private final Set<String> queues = ConcurrentHashMap.newKeySet();

  private TestInfra(boolean real, String jdbcUrl, String amqpHost, int amqpPort, String runId) {
    this.real = real;
    this.jdbcUrl = jdbcUrl;
    this.amqpHost = amqpHost;
    this.amqpPort = amqpPort;
    this.runId = runId;
    this.queuePrefix = "it-" + runId + ".rms.sub.";
  }

  /** The infrastructure of this JVM, started on first use. */
  public static synchronized TestInfra get() {
    if (instance == null) {
      instance = start();
    }
    return instance;
  }

  /** A queue to delete when the JVM exits (real broker only). */
  public void deleteAtExit(String queue) {
    queues.add(queue);
  }

  /** A fresh, empty database on the same server (for tests that need their own schema). */
  public String newDatabase(String purpose) {
    String name = "rms_" + purpose + "_" + runId + "_" + Long.toHexString(System.nanoTime());
    execute(adminUrl(), "create database " + name);
    if (real) {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> execute(adminUrl(), "drop database if exists " + name + " with (force)")));
    }
    return jdbcUrl.substring(0, jdbcUrl.lastIndexOf('/') + 1) + name;
  }

  private String adminUrl() {
    return jdbcUrl.substring(0, jdbcUrl.lastIndexOf('/') + 1) + "postgres";
  }

  private static TestInfra start() {
    String mode = System.getenv().getOrDefault("RMS_TEST_INFRA", "auto").toLowerCase(Locale.ROOT);
    String runId = UUID.randomUUID().toString().substring(0, 8);
    boolean pgUp = answers("127.0.0.1", 5432);
    boolean amqpUp = answers("127.0.0.1", 5672);
    boolean real =
        switch (mode) {
          case "real" -> {
            if (!pgUp || !amqpUp) {
              throw new IllegalStateException(
                  "RMS_TEST_INFRA=real but PostgreSQL 127.0.0.1:5432 up="
                      + pgUp
                      + ", RabbitMQ 127.0.0.1:5672 up="
                      + amqpUp);
            }
            yield true;
          }
          case "embedded" -> false;
          default -> pgUp && amqpUp;
        };
    if (real) {
      String db = "rms_it_" + runId;
      String base = "jdbc:postgresql://127.0.0.1:5432/";
      execute(base + "postgres", "create database " + db);
      TestInfra infra = new TestInfra(true, base + db, "127.0.0.1", 5672, runId);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    infra.deleteQueues();
                    execute(base + "postgres", "drop database if exists " + db + " with (force)");
                  }));
      return infra;
    }
    try {
      Path dir = Files.createTempDirectory("rms-it-");
      EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("pg"), freePort());
      EmbeddedBroker broker = EmbeddedBroker.start(dir.resolve("broker"), freePort());
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    broker.close();
                    try {
                      db.close();
                    } catch (IOException ignored) {
                      // the JVM is exiting
                    }
                  }));
      return new TestInfra(false, db.jdbcUrl(), "127.0.0.1", broker.port(), runId);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void deleteQueues() {
    if (queues.isEmpty()) {
      return;
    }
    com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
    factory.setHost(amqpHost);
    factory.setPort(amqpPort);
    try (com.rabbitmq.client.Connection c = factory.newConnection()) {
      for (String queue : queues) {
        try (com.rabbitmq.client.Channel ch = c.createChannel()) {
          ch.queueDelete(queue);
        } catch (Exception ignored) {
          // already gone
        }
      }
    } catch (Exception ignored) {
      // broker gone; nothing to clean
    }
  }

  static void execute(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + " failed", e);
    }
  }

  private static boolean answers(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 300);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A free TCP port. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
