package io.rms.e2e.model;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.IntPredicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service's REST API on the replicas, as the producer, the consumer and the operator call it.
 * Every answer passes through {@link #call}: a 5xx is recorded as a violation with its step, a
 * replica that does not answer (killed) gives status -1.
 */
final class ServiceApi {
  static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final int[] ports;
  private final History history;

  /** Whether a replica is up (a killed one is left out until it is ready again). */
  private final IntPredicate up;

  ServiceApi(int[] ports, History history, IntPredicate up) {
    this.ports = ports;
    this.history = history;
    this.up = up;
  }

  /** An answer: status (-1 without one) and body. */
  record Answer(int status, String body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    boolean unknown() {
      return status < 0 || status >= 500;
    }

    JsonNode json() {
      return JSON.readTree(body);
    }

    /** The problem's {@code code}, or the status. */
    String code() {
      if (ok() || status < 0 || body == null || !body.startsWith("{")) {
        return Integer.toString(status);
      }
      JsonNode code = json().get("code");
      return status + (code == null ? "" : " " + code.asString());
    }
  }

  /** A replica that is up, chosen by {@code pick} (the other one if that is down). */
  int replica(int pick) {
    int r = Math.floorMod(pick, ports.length);
    for (int i = 0; i < ports.length; i++) {
      int candidate = (r + i) % ports.length;
      if (up.test(candidate)) {
        return candidate;
      }
    }
    return r;
  }

  Answer call(int replica, String method, String path, String apiKey, Object body) {
    String json = body == null ? null : JSON.writeValueAsString(body);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[replica] + path))
            .timeout(Duration.ofSeconds(15))
            .header("Authorization", "Bearer " + apiKey)
            .header("Content-Type", "application/json")
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json))
            .build();
    Answer answer;
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      answer = new Answer(r.statusCode(), r.body());
    } catch (IOException e) {
      answer = new Answer(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (answer.status() >= 500) {
      history.violation(
          ""
              + method
              + " "
              + path
              + " on replica "
              + (replica + 1)
              + " answered "
              + answer.status()
              + " "
              + abbreviate(answer.body())
              + " (request "
              + abbreviate(json)
              + ")");
    }
    return answer;
  }

  static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }
}
