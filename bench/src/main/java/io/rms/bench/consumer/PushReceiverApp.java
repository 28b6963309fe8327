package io.rms.bench.consumer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rms.consumer.PushSignature;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import tools.jackson.databind.json.JsonMapper;

/**
 * The receiver of the {@code push} scenario, started by the harness as a JVM of its own (its CPU is
 * the consumer party's while the scenario runs): an HTTP server the service pushes to. Per push it
 * verifies the signature (the consumer SDK's {@link PushSignature}, as a receiver must), then
 * writes the message's inbox row and {@code handled} row (the table {@link BenchConsumerApp}
 * writes, with the handler's start on the same clock) in one transaction and answers 204, which
 * acks the delivery; a bad signature is 401, a database failure 503 (the service tries again). No
 * Spring, no AMQP client: what a webhook receiver in any language does.
 *
 * <p>Arguments: JDBC URL, port, signing secret, threads (= database connections), ready file.
 */
public final class PushReceiverApp {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration TOLERANCE = Duration.ofMinutes(5);

  private final String secret;
  private final ThreadLocal<Handler> handlers;

  private PushReceiverApp(String jdbcUrl, String secret) {
    this.secret = secret;
    this.handlers = ThreadLocal.withInitial(() -> new Handler(jdbcUrl));
  }

  public static void main(String[] args) throws Exception {
    String jdbcUrl = args[0];
    int port = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[3]);
    try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
      c.createStatement()
          .execute(
              "create table if not exists handled (key text not null, message_id uuid not null,"
                  + " attempt int not null, handler_start_us bigint not null)");
      c.createStatement()
          .execute("create index if not exists handled_start on handled (handler_start_us)");
      c.createStatement()
          .execute("create table if not exists push_inbox (message_id uuid primary key)");
    }
    PushReceiverApp app = new PushReceiverApp(jdbcUrl, args[2]);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
    server.setExecutor(Executors.newFixedThreadPool(threads));
    server.createContext("/push", app::receive);
    server.start();
    Files.writeString(Path.of(args[4]), "ready");
  }

  private void receive(HttpExchange exchange) throws IOException {
    long start = BenchConsumerApp.epochMicros();
    int status;
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      var headers = exchange.getRequestHeaders();
      if (!PushSignature.verify(
          List.of(secret),
          headers.getFirst("X-RMS-Timestamp"),
          headers.getFirst("X-RMS-Signature"),
          body,
          Clock.systemUTC(),
          TOLERANCE)) {
        status = 401;
      } else {
        status =
            handlers
                .get()
                .apply(
                    headers.getFirst("X-RMS-Message-Id"),
                    Integer.parseInt(headers.getFirst("X-RMS-Attempt")),
                    JSON.readTree(body).get("payload").get("key").asString(),
                    start);
      }
      exchange.sendResponseHeaders(status, -1);
    }
  }

  /** One worker thread's connection and statements: inbox and effect in one transaction. */
  private static final class Handler {
    private final String jdbcUrl;
    private Connection db;
    private PreparedStatement inbox;
    private PreparedStatement handled;

    Handler(String jdbcUrl) {
      this.jdbcUrl = jdbcUrl;
    }

    /** 204 when applied (or applied before), 503 when the database failed. */
    int apply(String messageId, int attempt, String key, long startMicros) {
      try {
        if (db == null) {
          db = DriverManager.getConnection(jdbcUrl, "postgres", "");
          db.setAutoCommit(false);
          inbox =
              db.prepareStatement(
                  "insert into push_inbox (message_id) values (?::uuid) on conflict do nothing");
          handled =
              db.prepareStatement(
                  "insert into handled (key, message_id, attempt, handler_start_us)"
                      + " values (?, ?::uuid, ?, ?)");
        }
        inbox.setString(1, messageId);
        if (inbox.executeUpdate() == 1) {
          handled.setString(1, key);
          handled.setString(2, messageId);
          handled.setInt(3, attempt);
          handled.setLong(4, startMicros);
          handled.executeUpdate();
        }
        db.commit();
        return 204;
      } catch (SQLException e) {
        System.err.println("push receiver: " + e);
        close();
        return 503;
      }
    }

    private void close() {
      try {
        if (db != null) {
          db.close();
        }
      } catch (SQLException ignored) {
        // the connection is dropped either way; the next push opens a new one
      }
      db = null;
    }
  }
}
