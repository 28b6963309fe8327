package io.rms.service.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.IntegrationTest;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear problem+json error with a stable code and changes nothing. */
class BadInputTest extends IntegrationTest {

  private int rows() {
    return jdbc.queryForObject(
        "select (select count(*) from message) + (select count(*) from delivery)"
            + " + (select count(*) from message_event)",
        Integer.class);
  }

  private Response refused(int status, String code, java.util.function.Supplier<Response> call) {
    int before = rows();
    Response r = call.get();
    assertThat(r.status()).as(r.raw()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.code()).isEqualTo(code);
    assertThat(r.text("detail")).isNotBlank();
    assertThat(rows()).as("nothing changed").isEqualTo(before);
    return r;
  }

  private Map<String, Object> message(Object payload) {
    Map<String, Object> m = new HashMap<>();
    m.put("topic", "order.created");
    m.put("payload", payload);
    return m;
  }

  @Test
  void aPayloadOverTheLimitIs413() {
    String big = "x".repeat(1024 * 1024 + 10);
    refused(413, "payload-too-large", () -> as("orders").post("/api/v1/messages", message(big)));
    refused(
        413, "payload-too-large", () -> as("orders").post("/api/v1/messages/send", message(big)));
  }

  @Test
  void aRequestBodyFarOverTheLimitIs413BeforeParsing() {
    String huge = "\"" + "y".repeat(6 * 1024 * 1024) + "\"";
    refused(
        413,
        "payload-too-large",
        () ->
            as("orders")
                .post(
                    "/api/v1/messages", "{\"topic\":\"order.created\",\"payload\":" + huge + "}"));
  }

  @Test
  void aTopicWithNoSubscriptionIs422() {
    Response r =
        refused(422, "no-subscription", () -> as("orders").prepare("order.orphan", "payload", 1));
    assertThat(r.text("detail")).contains("order.orphan");
  }

  @Test
  void malformedJsonIs400() {
    refused(400, "malformed-request", () -> as("orders").post("/api/v1/messages", "{\"topic\":"));
    refused(400, "malformed-request", () -> as("orders").post("/api/v1/messages", "[1,2]"));
    refused(
        400,
        "malformed-request",
        () ->
            as("orders")
                .post(
                    "/api/v1/subscriptions/cart.order-created/acks",
                    "{\"messageIds\":[\"nope\"]}"));
  }

  @Test
  void missingOrInvalidFieldsAre400() {
    refused(
        400,
        "validation-failed",
        () -> as("orders").post("/api/v1/messages", Map.of("payload", 1)));
    refused(400, "validation-failed", () -> as("orders").prepare("Order Created!", "payload", 1));
    refused(400, "validation-failed", () -> as("orders").prepare("order.created"));
    refused(
        400,
        "validation-failed",
        () ->
            as("orders")
                .prepare("order.created", "payload", 1, "contentType", "application/octet-stream"));
    refused(
        400,
        "validation-failed",
        () ->
            as("orders")
                .prepare(
                    "order.created", "payload", "%%%", "contentType", "application/octet-stream"));
  }

  @Test
  void badIdsAre400() {
    Api orders = as("orders");
    refused(400, "invalid-id", () -> orders.get("/api/v1/messages/not-a-uuid"));
    refused(400, "invalid-id", () -> orders.post("/api/v1/messages/123/confirm"));
    refused(400, "invalid-id", () -> orders.get("/api/v1/messages?cursor=%21%21"));
    refused(400, "validation-failed", () -> orders.get("/api/v1/messages?limit=501"));
    refused(400, "validation-failed", () -> orders.get("/api/v1/messages?status=LOST"));
  }

  @Test
  void forbiddenOrTooManyHeadersAre400() {
    for (Map<String, String> headers :
        List.of(
            Map.of("x-rms-attempt", "99"),
            Map.of("X-RMS-Topic", "other"),
            Map.of("CC", "rms.sub.other"),
            Map.of("bcc", "rms.sub.other"),
            Map.of("bad name", "v"),
            Map.of("tenant", "line\nbreak"),
            Map.of("tenant", "v".repeat(1025)))) {
      Map<String, Object> m = message(1);
      m.put("headers", headers);
      refused(400, "invalid-headers", () -> as("orders").post("/api/v1/messages", m));
    }
    Map<String, String> many = new HashMap<>();
    IntStream.range(0, 33).forEach(i -> many.put("h" + i, "v"));
    Map<String, Object> m = message(1);
    m.put("headers", many);
    refused(400, "invalid-headers", () -> as("orders").post("/api/v1/messages", m));
  }

  @Test
  void batchesOverAThousandItemsAre400() {
    List<Map<String, Object>> items = Collections.nCopies(1001, message(1));
    refused(
        400,
        "batch-too-large",
        () -> as("orders").post("/api/v1/messages/batch/prepare", Map.of("items", items)));
    List<UUID> ids = IntStream.range(0, 1001).mapToObj(i -> UUID.randomUUID()).toList();
    refused(
        400,
        "batch-too-large",
        () -> as("orders").post("/api/v1/messages/batch/confirm", Map.of("messageIds", ids)));
    refused(
        400,
        "batch-too-large",
        () ->
            as("cart")
                .post("/api/v1/subscriptions/cart.order-created/acks", Map.of("messageIds", ids)));
    refused(
        400,
        "validation-failed",
        () ->
            as("cart")
                .post(
                    "/api/v1/subscriptions/cart.order-created/acks",
                    Map.of("messageIds", List.of())));
  }

  @Test
  void aNonJsonBodyIs415() {
    refused(
        415,
        "unsupported-media-type",
        () -> {
          try {
            var request =
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/messages"))
                    .header("Authorization", "Bearer orders-key")
                    .header("Content-Type", "text/plain")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("hello"))
                    .build();
            var r =
                java.net.http.HttpClient.newHttpClient()
                    .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            return new Response(
                r.statusCode(),
                Api.JSON.readTree(r.body()),
                r.headers().firstValue("Content-Type").orElse(""),
                r.body());
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }
}
