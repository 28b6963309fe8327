package io.rms.bench.consumer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The consumer of the {@code pull} scenario, started by the harness as a JVM of its own (its CPU is
 * the consumer party's while the scenario runs): threads that long-poll {@code POST
 * /api/v1/subscriptions/bench.pull/pull} and, per leased batch, write each new message's inbox row
 * and {@code handled} row (the table {@link BenchConsumerApp} writes, with the handler's start on
 * the same clock) in one transaction per message, then ack the batch in one call. No Spring, no
 * AMQP client: what a consumer in any language does.
 *
 * <p>Arguments: JDBC URL, service base URL, API key, subscription, threads, ready file.
 */
public final class PullConsumerApp {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private PullConsumerApp() {}

  public static void main(String[] args) throws Exception {
    String jdbcUrl = args[0];
    String base = args[1];
    String key = args[2];
    String subscription = args[3];
    int threads = Integer.parseInt(args[4]);
    try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
      c.createStatement()
          .execute(
              "create table if not exists handled (key text not null, message_id uuid not null,"
                  + " attempt int not null, handler_start_us bigint not null, replay_id text)");
      c.createStatement()
          .execute("create index if not exists handled_start on handled (handler_start_us)");
      c.createStatement()
          .execute("create table if not exists pull_inbox (message_id uuid primary key)");
    }
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> loop(jdbcUrl, base, key, subscription), "pull-consumer-" + i);
      workers.add(t);
      t.start();
    }
    Files.writeString(Path.of(args[5]), "ready");
    for (Thread t : workers) {
      t.join();
    }
  }

  private static void loop(String jdbcUrl, String base, String key, String subscription) {
    String pull = base + "/api/v1/subscriptions/" + subscription + "/pull";
    String acks = base + "/api/v1/subscriptions/" + subscription + "/acks";
    while (true) {
      try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
        db.setAutoCommit(false);
        PreparedStatement inbox =
            db.prepareStatement(
                "insert into pull_inbox (message_id) values (?::uuid) on conflict do nothing");
        PreparedStatement handled =
            db.prepareStatement(
                "insert into handled (key, message_id, attempt, handler_start_us)"
                    + " values (?, ?::uuid, ?, ?)");
        while (true) {
          JsonNode answer = post(pull, key, "{\"max\":100,\"waitSeconds\":5,\"leaseSeconds\":60}");
          List<String> ids = new ArrayList<>();
          for (JsonNode d : answer.get("deliveries")) {
            long start = BenchConsumerApp.epochMicros();
            String id = d.get("messageId").asString();
            inbox.setString(1, id);
            if (inbox.executeUpdate() == 1) {
              handled.setString(1, d.get("message").get("payload").get("key").asString());
              handled.setString(2, id);
              handled.setInt(3, d.get("attempt").asInt());
              handled.setLong(4, start);
              handled.executeUpdate();
            }
            db.commit();
            ids.add(id);
          }
          if (!ids.isEmpty()) {
            post(acks, key, JSON.writeValueAsString(Map.of("messageIds", ids)));
          }
        }
      } catch (SQLException | RuntimeException e) {
        System.err.println("pull consumer: " + e + "; again in 1 s");
        sleep(1000);
      }
    }
  }

  private static JsonNode post(String url, String key, String body) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url))
                  .timeout(Duration.ofSeconds(30))
                  .header("Authorization", "Bearer " + key)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
      }
      return JSON.readTree(r.body());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
