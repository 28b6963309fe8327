package io.rms.service.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.Refusals;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * User headers that could steer the broker or impersonate the service (CC, BCC, x-rms-*), malformed
 * or oversized ones, and payloads, batches and pages beyond their limits are refused on every call
 * that takes them, with a problem+json answer (per item in batches) that changes nothing.
 */
class InputLimitsRefusalTest extends IntegrationTest {
  @Autowired JsonMapper jsonMapper;

  static final String HEADERS = "header injection (CC, BCC, x-rms-*, malformed, oversized)";
  static final String LIMITS = "payload, request, batch and page limits";

  private static final Refusals refusals = new Refusals();
  private static final int MIB = 1024 * 1024;

  @AfterAll
  static void tally() {
    refusals.report();
  }

  /** Messages, deliveries and events: a refused request adds to none of them. */
  private Supplier<Object> counts() {
    return () ->
        jdbc.queryForList(
            "select (select count(*) from message) as messages,"
                + " (select count(*) from delivery) as deliveries,"
                + " (select count(*) from delivery where status = 'ACKED') as acked,"
                + " (select count(*) from message where status = 'PREPARED') as prepared,"
                + " (select count(*) from message_event) as events");
  }

  private static Map<String, Object> message(Object payload) {
    Map<String, Object> m = new HashMap<>();
    m.put("topic", "order.created");
    m.put("payload", payload);
    return m;
  }

  private static Map<String, Object> withHeaders(Map<String, String> headers) {
    Map<String, Object> m = message(Map.of("n", 1));
    m.put("headers", headers);
    return m;
  }

  @Test
  void forbiddenMalformedAndOversizedHeadersAreRefusedOnEveryCallThatTakesThem() {
    Map<String, Map<String, String>> cases = new LinkedHashMap<>();
    for (String name : List.of("CC", "Cc", "cc", "BCC", "Bcc", "bcc")) {
      cases.put("sender-selected distribution " + name, Map.of(name, "rms.sub.other"));
    }
    for (String name :
        List.of("x-rms-topic", "X-RMS-Attempt", "x-rms-producer", "X-Rms-Subscription", "x-rms-")) {
      cases.put("the service's own " + name, Map.of(name, "forged"));
    }
    cases.put("a name with CR LF", Map.of("tenant\r\nx-rms-topic", "forged"));
    cases.put("a name with a space", Map.of("bad name", "v"));
    cases.put("a name with a colon", Map.of("a:b", "v"));
    cases.put("an empty name", Map.of("", "v"));
    cases.put("a name starting with _", Map.of("__TypeId__", "java.lang.Runtime"));
    cases.put("a name of 65 characters", Map.of("h".repeat(65), "v"));
    cases.put("a value with CR LF", Map.of("tenant", "eu\r\nx-rms-topic: forged"));
    cases.put("a value with NUL", Map.of("tenant", "eu\u0000"));
    cases.put("a value with a tab", Map.of("tenant", "e\tu"));
    cases.put("a value of 1,025 characters", Map.of("tenant", "v".repeat(1025)));
    Map<String, String> many = new HashMap<>();
    IntStream.range(0, 33).forEach(i -> many.put("h" + i, "v"));
    cases.put("33 headers", many);

    Api orders = as("orders");
    cases.forEach(
        (what, headers) -> {
          for (String call : List.of("/api/v1/messages", "/api/v1/messages/send")) {
            refusals.attempt(
                HEADERS,
                what + " on " + call,
                counts(),
                () -> {
                  Response r = orders.post(call, withHeaders(headers));
                  assertThat(r.status()).as(r.raw()).isEqualTo(400);
                  assertThat(r.contentType()).startsWith("application/problem+json");
                  assertThat(r.code()).isEqualTo("invalid-headers");
                });
          }
          refusals.attempt(
              HEADERS,
              what + " in a batch item",
              counts(),
              () -> {
                JsonNode item =
                    orders
                        .post(
                            "/api/v1/messages/batch/prepare",
                            Map.of("items", List.of(withHeaders(headers))))
                        .body()
                        .get("items")
                        .get(0);
                assertThat(item.get("httpStatus").asInt()).isEqualTo(400);
                assertThat(item.get("code").asString()).isEqualTo("invalid-headers");
              });
        });
    // the allowed form goes through, with its header on the message
    Response ok = orders.post("/api/v1/messages", withHeaders(Map.of("tenant", "eu")));
    assertThat(ok.status()).isEqualTo(201);
    assertThat(ok.body().get("headers").get("tenant").asString()).isEqualTo("eu");
    orders.post("/api/v1/messages/" + ok.id() + "/cancel");
  }

  @Test
  void payloadsAndRequestsOverTheirLimitsAre413() {
    Api orders = as("orders");
    String bigText = "x".repeat(MIB + 1);
    Map<String, Object> textPayload = message(bigText);
    textPayload.put("contentType", "text/plain");
    Map<String, Object> binaryPayload =
        message(Base64.getEncoder().encodeToString(new byte[MIB + 1]));
    binaryPayload.put("contentType", "application/octet-stream");
    Map<String, Map<String, Object>> payloads = new LinkedHashMap<>();
    payloads.put("a JSON payload of 1 MiB + 3 bytes", message(bigText));
    payloads.put("a text payload of 1 MiB + 1 byte", textPayload);
    payloads.put("a binary payload of 1 MiB + 1 byte (base64)", binaryPayload);
    payloads.forEach(
        (what, body) -> {
          for (String call : List.of("/api/v1/messages", "/api/v1/messages/send")) {
            refusals.attempt(
                LIMITS, what + " on " + call, counts(), () -> tooLarge(orders.post(call, body)));
          }
          refusals.attempt(
              LIMITS,
              what + " in a batch item",
              counts(),
              () -> {
                JsonNode item =
                    orders
                        .post("/api/v1/messages/batch/prepare", Map.of("items", List.of(body)))
                        .body()
                        .get("items")
                        .get(0);
                assertThat(item.get("httpStatus").asInt()).isEqualTo(413);
                assertThat(item.get("code").asString()).isEqualTo("payload-too-large");
              });
        });
    refusals.attempt(
        LIMITS,
        "a batch of six 1 MiB payloads (request over rms.request-max-bytes)",
        counts(),
        () ->
            tooLarge(
                orders.post(
                    "/api/v1/messages/batch/prepare",
                    Map.of("items", Collections.nCopies(6, message("y".repeat(MIB - 100)))))));
    refusals.attempt(
        LIMITS,
        "a 6 MiB body declared by Content-Length",
        counts(),
        () ->
            tooLarge(
                orders.post(
                    "/api/v1/messages",
                    "{\"topic\":\"order.created\",\"payload\":\"" + "z".repeat(6 * MIB) + "\"}")));
    refusals.attempt(
        LIMITS,
        "a 6 MiB body sent chunked, without Content-Length",
        counts(),
        () -> chunkedHuge("/api/v1/messages"));
  }

  @Test
  void theRequestLimitHoldsWhateverThePathsSpelling() {
    Api orders = as("orders");
    String huge =
        "{\"items\":[{\"topic\":\"order.created\",\"payload\":\"" + "z".repeat(6 * MIB) + "\"}]}";
    for (String path :
        List.of(
            "/%61pi/v1/messages/batch/prepare",
            "/api/v1/messages/batch/%70repare",
            "/api;x=1/v1/messages/batch/prepare",
            "/api/./v1/messages/batch/prepare",
            "/dashboard/actions/anything")) {
      refusals.attempt(
          LIMITS,
          "a 6 MiB body declared by Content-Length on " + path,
          counts(),
          () -> tooLarge(orders.post(path, huge)));
      // without a length, Spring Security refuses the others first, unread: the dashboard's post
      // for its missing CSRF token (403), the path parameter and the dot segment by its firewall
      if (path.contains("%")) {
        refusals.attempt(
            LIMITS, "a 6 MiB body sent chunked on " + path, counts(), () -> chunkedHuge(path));
      }
    }
  }

  @Test
  void theJsonParserRefusesDocumentsLongerThanTheRequestLimit() {
    long limit = jsonMapper.tokenStreamFactory().streamReadConstraints().getMaxDocumentLength();
    assertThat(limit).isEqualTo(5L * MIB);
    // strings of 1,000 characters: within the parser's other limits (string length, tokens)
    String longer =
        "["
            + String.join(
                ",", Collections.nCopies((int) (limit / 1003) + 1, "\"" + "z".repeat(1000) + "\""))
            + "]";
    refusals.attempt(
        LIMITS,
        "a JSON document over rms.request-max-bytes given to the service's parser",
        () ->
            assertThatThrownBy(() -> jsonMapper.readTree(longer))
                .isInstanceOf(StreamConstraintsException.class)
                .hasMessageContaining("Document length"));
  }

  @Test
  void batchesOverAThousandItemsAndEmptyOnesAreRefused() {
    List<UUID> ids = IntStream.range(0, 1001).mapToObj(i -> UUID.randomUUID()).toList();
    Map<String, Runnable> calls = new LinkedHashMap<>();
    calls.put(
        "batch/prepare of 1,001",
        () ->
            refused(
                400,
                "batch-too-large",
                as("orders")
                    .post(
                        "/api/v1/messages/batch/prepare",
                        Map.of("items", Collections.nCopies(1001, message(1))))));
    for (String call : List.of("batch/confirm", "batch/cancel")) {
      calls.put(
          call + " of 1,001",
          () ->
              refused(
                  400,
                  "batch-too-large",
                  as("orders").post("/api/v1/messages/" + call, Map.of("messageIds", ids))));
    }
    calls.put(
        "acks of 1,001",
        () ->
            refused(
                400,
                "batch-too-large",
                as("cart")
                    .post(
                        "/api/v1/subscriptions/cart.order-created/acks",
                        Map.of("messageIds", ids))));
    calls.put(
        "an empty batch/prepare",
        () ->
            refused(
                400,
                "validation-failed",
                as("orders").post("/api/v1/messages/batch/prepare", Map.of("items", List.of()))));
    calls.put(
        "empty acks",
        () ->
            refused(
                400,
                "validation-failed",
                as("cart")
                    .post(
                        "/api/v1/subscriptions/cart.order-created/acks",
                        Map.of("messageIds", List.of()))));
    calls.put(
        "bulk redeliver of 1,001",
        () -> refused(400, "validation-failed", bulkRedeliverDead(1001)));
    calls.put("bulk redeliver of 0", () -> refused(400, "validation-failed", bulkRedeliverDead(0)));
    calls.forEach((what, call) -> refusals.attempt(LIMITS, what, counts(), call));
  }

  @Test
  void pagesOverTheirLimitsAreRefused() {
    for (String limit : List.of("501", "0", "-1", "2147483648", "many")) {
      refusals.attempt(
          LIMITS,
          "a message page of " + limit,
          counts(),
          () ->
              refused(
                  400, "validation-failed", as("orders").get("/api/v1/messages?limit=" + limit)));
    }
    for (String limit : List.of("1001", "0")) {
      refusals.attempt(
          LIMITS,
          "an audit page of " + limit,
          counts(),
          () ->
              refused(
                  400, "validation-failed", as("ops").get("/api/v1/admin/events?limit=" + limit)));
    }
    assertThat(as("orders").get("/api/v1/messages?limit=500").status()).isEqualTo(200);
  }

  /** The admin API's bulk redeliver of cart.order-created's DEAD deliveries, up to limit. */
  private Response bulkRedeliverDead(int limit) {
    return as("ops")
        .post(
            "/api/v1/admin/deliveries/redeliver",
            Map.of("subscription", "cart.order-created", "status", "DEAD", "limit", limit));
  }

  private static void refused(int status, String code, Response r) {
    assertThat(r.status()).as(r.raw()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.code()).isEqualTo(code);
  }

  private static void tooLarge(Response r) {
    refused(413, "payload-too-large", r);
  }

  private void chunkedHuge(String path) {
    byte[] body =
        ("{\"topic\":\"order.created\",\"payload\":\"" + "z".repeat(6 * MIB) + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                      .header("Authorization", "Bearer orders-key")
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofInputStream(
                              () -> new ByteArrayInputStream(body)))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
      assertThat(r.body()).contains("payload-too-large");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
