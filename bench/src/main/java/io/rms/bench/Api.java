package io.rms.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** The REST calls the scenarios make, with just enough parsing to get the message id. */
final class Api {
  private static final String PAD = "x".repeat(960);
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String base;
  private final AtomicLong sequence = new AtomicLong();
  final AtomicLong errors = new AtomicLong();

  private final String metrics;

  Api(ServiceProcess service) {
    this.base = "http://127.0.0.1:" + service.port + "/api/v1";
    this.metrics = service.actuator("prometheus");
  }

  /**
   * The service's counters so far: {@code [transactions, calls, api requests]}: the group-commit
   * counters {@code rms_commit_calls_count} and {@code _sum} (zeros when group commit is off), and
   * the HTTP requests it answered under {@code /api/v1} ({@code
   * http_server_requests_seconds_count}).
   */
  double[] commitCalls() throws IOException, InterruptedException {
    String text =
        http.send(
                HttpRequest.newBuilder(URI.create(metrics)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    double[] counts = new double[3];
    for (String line : text.split("\n")) {
      if (line.startsWith("rms_commit_calls_count")) {
        counts[0] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      } else if (line.startsWith("rms_commit_calls_sum")) {
        counts[1] = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      } else if (line.startsWith("http_server_requests_seconds_count{")
          && line.contains("uri=\"/api/v1/")) {
        counts[2] += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return counts;
  }

  /** A ~1 KiB JSON message body for the topic, with an ordering key unless it is null. */
  String body(String topic, String orderingKey) {
    return "{\"topic\":\""
        + topic
        + (orderingKey == null ? "" : "\",\"orderingKey\":\"" + orderingKey)
        + "\",\"businessKey\":\"b-"
        + sequence.incrementAndGet()
        + "\",\"payload\":{\"orderId\":"
        + sequence.get()
        + ",\"pad\":\""
        + PAD
        + "\"}}";
  }

  UUID prepare(String topic) {
    return prepare(topic, null);
  }

  UUID prepare(String topic, String orderingKey) {
    return id(post("/messages", body(topic, orderingKey), Bench.PRODUCER_KEY, 201));
  }

  void confirm(UUID id) {
    post("/messages/" + id + "/confirm", null, Bench.PRODUCER_KEY, 200);
  }

  UUID send(String topic) {
    return id(post("/messages/send", body(topic, null), Bench.PRODUCER_KEY, 201));
  }

  /** Cancels up to 1,000 messages in one call (batch cancel). */
  void cancel(Collection<UUID> ids) {
    post("/messages/batch/cancel", idsJson(ids), Bench.PRODUCER_KEY, 200);
  }

  private static String idsJson(Collection<UUID> ids) {
    StringBuilder json = new StringBuilder("{\"messageIds\":[");
    boolean first = true;
    for (UUID id : ids) {
      json.append(first ? "\"" : ",\"").append(id).append('"');
      first = false;
    }
    return json.append("]}").toString();
  }

  void ack(String subscription, Collection<UUID> ids) {
    post("/subscriptions/" + subscription + "/acks", idsJson(ids), Bench.CONSUMER_KEY, 200);
  }

  /**
   * Starts replay {@code replayId} of the subscription's messages confirmed in [{@code from},
   * {@code to}), at most {@code limit} of them (an ADMIN key; docs/design.md §5.4); the service's
   * answer.
   */
  String replay(String subscription, Instant from, Instant to, String replayId, int limit) {
    String json =
        "{\"from\":\""
            + from
            + "\",\"to\":\""
            + to
            + "\",\"replayId\":\""
            + replayId
            + "\",\"limit\":"
            + limit
            + "}";
    return post("/admin/subscriptions/" + subscription + "/replay", json, Bench.ADMIN_KEY, 202);
  }

  /** The subscription's replays with their progress (JSON array), newest first. */
  String replays(String subscription) {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(base + "/admin/subscriptions/" + subscription + "/replays"))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + Bench.ADMIN_KEY)
            .GET()
            .build();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("replays -> " + r.statusCode() + " " + r.body());
      }
      return r.body();
    } catch (IOException e) {
      throw new IllegalStateException("replays failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String post(String path, String json, String key, int expected) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + key);
    if (json == null) {
      b.POST(HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != expected) {
        errors.incrementAndGet();
        throw new IllegalStateException(path + " -> " + r.statusCode() + " " + r.body());
      }
      return r.body();
    } catch (IOException e) {
      errors.incrementAndGet();
      throw new IllegalStateException(path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static UUID id(String body) {
    int at = body.indexOf("\"id\":\"") + 6;
    return UUID.fromString(body.substring(at, at + 36));
  }
}
