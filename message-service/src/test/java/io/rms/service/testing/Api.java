package io.rms.service.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for the REST API, authenticated as one app. */
public final class Api {
  public static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final int port;
  private final String authorization;

  /** A client sending {@code Authorization: Bearer <key>} (none when {@code key} is null). */
  public Api(int port, String key) {
    this(key == null ? null : "Bearer " + key, port);
  }

  private Api(String authorization, int port) {
    this.port = port;
    this.authorization = authorization;
  }

  /** A client sending this {@code Authorization} header value as it is. */
  public static Api withAuthorization(int port, String authorization) {
    return new Api(authorization, port);
  }

  /** A status and a parsed body. */
  public record Response(int status, JsonNode body, String contentType, String raw) {
    public String text(String field) {
      JsonNode node = body.get(field);
      return node == null || node.isNull() ? null : node.asString();
    }

    public UUID id() {
      return UUID.fromString(text("id"));
    }

    public String code() {
      return text("code");
    }
  }

  public Response get(String path) {
    return exchange(request(path).GET());
  }

  public Response post(String path, Object body) {
    String json = body instanceof String s ? s : JSON.writeValueAsString(body);
    return exchange(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** A JSON POST with these extra request headers. */
  public Response post(String path, Object body, Map<String, String> headers) {
    String json = body instanceof String s ? s : JSON.writeValueAsString(body);
    HttpRequest.Builder b = request(path).header("Content-Type", "application/json");
    headers.forEach(b::header);
    return exchange(b.POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  public Response post(String path) {
    return exchange(request(path).POST(HttpRequest.BodyPublishers.noBody()));
  }

  /**
   * {@code POST /api/v1/messages}: prepares a message on {@code topic}; {@code fields} are the
   * request's other fields as name, value, name, value...
   */
  public Response prepare(String topic, Object... fields) {
    return post("/api/v1/messages", message(topic, fields));
  }

  /** {@code POST /api/v1/messages/send}, with the fields as {@link #prepare} takes them. */
  public Response send(String topic, Object... fields) {
    return post("/api/v1/messages/send", message(topic, fields));
  }

  private static Map<String, Object> message(String topic, Object... fields) {
    if (fields.length % 2 != 0) {
      throw new IllegalArgumentException("fields come as name, value pairs");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("topic", topic);
    for (int i = 0; i < fields.length; i += 2) {
      body.put((String) fields[i], fields[i + 1]);
    }
    return body;
  }

  /** {@code POST /api/v1/subscriptions/{subscription}/acks} for these messages. */
  public Response ack(String subscription, UUID... messageIds) {
    return post(
        "/api/v1/subscriptions/" + subscription + "/acks",
        Map.of("messageIds", List.of(messageIds)));
  }

  /**
   * {@code POST /api/v1/subscriptions/{subscription}/nacks} for one message, with a reason (none
   * when null) and whether to retry it.
   */
  public Response nack(String subscription, UUID messageId, String reason, boolean retry) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("messageId", messageId);
    if (reason != null) {
      body.put("reason", reason);
    }
    body.put("retry", retry);
    return post("/api/v1/subscriptions/" + subscription + "/nacks", body);
  }

  public Response put(String path, Object body) {
    return call("PUT", path, body);
  }

  /** Any method; a null body sends none, a String as it is, anything else as JSON. */
  public Response call(String method, String path, Object body) {
    HttpRequest.Builder b = request(path);
    if (body == null) {
      return exchange(b.method(method, HttpRequest.BodyPublishers.noBody()));
    }
    String json = body instanceof String s ? s : JSON.writeValueAsString(body);
    return exchange(
        b.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(json)));
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return b;
  }

  private static Response exchange(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode body = r.body().isEmpty() ? JSON.nullNode() : parse(r.body());
      return new Response(
          r.statusCode(), body, r.headers().firstValue("Content-Type").orElse(""), r.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (RuntimeException notJson) {
      return JSON.getNodeFactory().stringNode(body);
    }
  }
}
