package io.rms.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.registry.ApiKeys;
import io.rms.service.registry.App;
import io.rms.service.registry.AppRepository;
import io.rms.service.registry.Registry;
import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.Await;
import io.rms.service.testing.Endpoints;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.Refusals;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * Every REST endpoint, taken from the controllers' mappings, refuses callers without a valid key,
 * apps reaching for another app's messages, subscriptions or topics, and apps without the role an
 * admin endpoint needs. Each refusal is counted and changes nothing.
 */
class ApiAccessRefusalTest extends IntegrationTest {
  static final String NO_KEY = "REST API without a valid API key";
  static final String CROSS_APP = "cross-app access (REST API)";
  static final String ADMIN_ROLE = "admin API without the OPERATOR/ADMIN role";

  private static final Refusals refusals = new Refusals();

  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mapping;

  @Autowired AppRepository apps;
  @Autowired ApiKeys apiKeys;
  @Autowired Registry registry;

  /** Orders' PREPARED message, its producer id and business key. */
  private UUID prepared;

  private String producerMessageId;

  /** Orders' confirmed message, published to cart.order-created. */
  private UUID sent;

  @AfterAll
  static void tally() {
    refusals.report();
  }

  @BeforeEach
  void ordersMessages() {
    producerMessageId = "secret-order-" + UUID.randomUUID();
    prepared =
        as("orders")
            .prepare(
                "order.created",
                "payload",
                Map.of("card", "4111-1111"),
                "producerMessageId",
                producerMessageId,
                "businessKey",
                producerMessageId)
            .id();
    sent = as("orders").send("order.created", "payload", 1).id();
    Await.until(
        Duration.ofSeconds(10),
        "the delivery is published",
        () ->
            "PUBLISHED"
                .equals(
                    jdbc.queryForObject(
                        "select status from delivery where message_id = ?", String.class, sent)));
  }

  @AfterEach
  void leaveNothingPrepared() {
    as("orders").post("/api/v1/messages/" + prepared + "/cancel");
  }

  /**
   * What a refused call must not change: the target messages with their deliveries and events, the
   * number of messages per app, the registry and its audit events.
   */
  private Supplier<Object> state() {
    String ids = "{" + prepared + "," + sent + "}";
    return () ->
        List.of(
            jdbc.queryForList(
                "select id, status, check_count, confirmed_at, finished_at, pending_deliveries"
                    + " from message where id = any(?::uuid[]) order by id",
                ids),
            jdbc.queryForList(
                "select message_id, subscription, status, attempts, acked_at, last_error"
                    + " from delivery where message_id = any(?::uuid[]) order by 1, 2",
                ids),
            jdbc.queryForList(
                "select id, type, actor from message_event"
                    + " where message_id = any(?::uuid[]) or message_id is null order by id",
                ids),
            jdbc.queryForList("select app_id, count(*) from message group by app_id order by 1"),
            jdbc.queryForList("select count(*) from delivery where status = 'DISCARDED'"),
            jdbc.queryForList(
                "select id, api_key_hashes::text, produces::text, check_back_url,"
                    + " check_back_secret, roles::text, active from app order by id"),
            jdbc.queryForList("select s::text from subscription s order by name", String.class));
  }

  /** The endpoint's path with its variables filled in with orders' message, shop, cart's sub. */
  private String path(String endpoint) {
    String path = Endpoints.path(endpoint);
    return path.replace("/admin/apps/{id}", "/admin/apps/shop")
        .replace("{id}", prepared.toString())
        .replace("{name}", "cart.order-created");
  }

  /** A body that the endpoint would act on if the caller were allowed to call it. */
  private Object body(String endpoint) {
    Map<String, Object> message = Map.of("topic", "order.created", "payload", Map.of("n", 1));
    return switch (endpoint) {
      case "POST /api/v1/messages", "POST /api/v1/messages/send" -> message;
      case "POST /api/v1/messages/batch/prepare" -> Map.of("items", List.of(message));
      case "POST /api/v1/messages/batch/confirm", "POST /api/v1/messages/batch/cancel" ->
          Map.of("messageIds", List.of(prepared));
      case "POST /api/v1/subscriptions/{name}/acks" -> Map.of("messageIds", List.of(sent));
      case "POST /api/v1/subscriptions/{name}/nacks" ->
          Map.of("messageId", sent, "retry", false, "reason", "x");
      case "POST /api/v1/admin/messages/{id}/resolve" -> Map.of("decision", "COMMIT");
      case "POST /api/v1/admin/deliveries/redeliver" ->
          Map.of("messageId", sent, "subscription", "cart.order-created");
      case "POST /api/v1/admin/deliveries/discard" ->
          Map.of("subscription", "cart.order-created", "status", "DEAD", "limit", 1000);
      case "PUT /api/v1/admin/apps/{id}/check-back" ->
          Map.of("url", "http://127.0.0.1:1/elsewhere", "secret", "a-secret-of-the-attacker");
      case "POST /api/v1/admin/subscriptions" ->
          Map.of("name", "attacker.sub", "topic", "order.created", "app", "cart");
      case "PATCH /api/v1/admin/subscriptions/{name}" -> Map.of("topic", "order.elsewhere");
      case "POST /api/v1/subscriptions/{name}/pull" -> Map.of("max", 10, "leaseSeconds", 60);
      case "POST /api/v1/admin/subscriptions/{name}/replay" ->
          Map.of("from", "2026-01-01T00:00:00Z", "to", "2099-01-01T00:00:00Z");
      case "GET /api/v1/messages",
          "GET /api/v1/messages/{id}",
          "GET /api/v1/stats",
          "GET /api/v1/admin/events",
          "GET /api/v1/admin/apps",
          "GET /api/v1/admin/apps/{id}",
          "GET /api/v1/admin/subscriptions",
          "GET /api/v1/admin/subscriptions/{name}",
          "GET /api/v1/admin/subscriptions/{name}/held-keys",
          "POST /api/v1/admin/subscriptions/{name}/activate",
          "POST /api/v1/admin/subscriptions/{name}/deactivate",
          "POST /api/v1/admin/subscriptions/{name}/pause",
          "POST /api/v1/admin/subscriptions/{name}/resume",
          "GET /api/v1/admin/subscriptions/{name}/replays",
          "POST /api/v1/admin/subscriptions/{name}/push-secrets/rotate",
          "POST /api/v1/admin/subscriptions/{name}/push-secrets/retire",
          "POST /api/v1/messages/{id}/confirm",
          "POST /api/v1/messages/{id}/cancel" ->
          null;
      default ->
          throw new AssertionError(
              "no request for " + endpoint + ": add it to the security tests' table");
    };
  }

  private List<String> endpoints() {
    List<String> endpoints = Endpoints.of(mapping, "/api/");
    assertThat(endpoints).as("the API's endpoints").hasSizeGreaterThanOrEqualTo(18);
    return endpoints;
  }

  /** An app that exists with a key, but is deactivated. */
  private String deactivatedAppsKey() {
    String key = "gone-app-key";
    if (apps.findById("gone-app").isEmpty()) {
      App app = new App("gone-app");
      app.setApiKeyHashes(new String[] {apiKeys.hash(key)});
      app.setProduces(new String[] {"order.created"});
      app.setRoles(new String[] {"ADMIN"});
      app.setActive(false);
      apps.save(app);
      registry.refresh();
    }
    return key;
  }

  @Test
  void everyEndpointRefusesCallsWithoutAValidKey() {
    Map<String, Api> callers = new LinkedHashMap<>();
    callers.put("no key", new Api(port, null));
    callers.put("an unknown key", new Api(port, "rms_" + UUID.randomUUID()));
    callers.put("orders' key in upper case", new Api(port, "ORDERS-KEY"));
    callers.put(
        "orders' key over Basic auth",
        Api.withAuthorization(
            port,
            "Basic "
                + Base64.getEncoder()
                    .encodeToString("orders:orders-key".getBytes(StandardCharsets.UTF_8))));
    callers.put("orders' key without 'Bearer'", Api.withAuthorization(port, "orders-key"));
    callers.put("a deactivated admin app's key", new Api(port, deactivatedAppsKey()));
    for (String endpoint : endpoints()) {
      callers.forEach(
          (who, api) ->
              refusals.attempt(
                  NO_KEY,
                  who + ": " + endpoint,
                  state(),
                  () -> {
                    Response r =
                        api.call(Endpoints.method(endpoint), path(endpoint), body(endpoint));
                    assertThat(r.status()).as(r.raw()).isEqualTo(401);
                    assertThat(r.contentType()).startsWith("application/problem+json");
                    assertThat(r.code()).isEqualTo("unauthenticated");
                  }));
    }
    for (String query : List.of("access_token", "api_key", "key")) {
      refusals.attempt(
          NO_KEY,
          "orders' key as ?" + query,
          state(),
          () ->
              assertThat(
                      new Api(port, null)
                          .get("/api/v1/messages/" + prepared + "?" + query + "=orders-key")
                          .status())
                  .isEqualTo(401));
    }
  }

  @Test
  void everyAppEndpointRefusesAnotherAppsMessagesSubscriptionsAndTopics() {
    List<String> appEndpoints =
        endpoints().stream().filter(e -> !e.contains(" /api/v1/admin/")).toList();
    for (String endpoint : appEndpoints) {
      int before = refusals.attempts(CROSS_APP);
      crossApp(endpoint);
      assertThat(refusals.attempts(CROSS_APP)).as("attempts on " + endpoint).isGreaterThan(before);
    }
    assertThat(as("orders").get("/api/v1/messages/" + prepared).text("status"))
        .isEqualTo("PREPARED");
  }

  private void crossApp(String endpoint) {
    Api billing = as("billing");
    Api audit = as("audit");
    switch (endpoint) {
      case "POST /api/v1/messages" -> {
        refusals.attempt(
            CROSS_APP,
            "billing prepares on orders' topic order.fanout",
            state(),
            () -> forbidden(billing.prepare("order.fanout", "payload", 1)));
        Supplier<Object> orders = state();
        refusals.attempt(
            CROSS_APP,
            "billing prepares with orders' producerMessageId",
            () -> ((List<?>) orders.get()).subList(0, 3),
            () -> {
              Response r =
                  billing.prepare(
                      "order.created",
                      "payload",
                      Map.of("card", "4111-1111"),
                      "producerMessageId",
                      producerMessageId);
              assertThat(r.status()).as("a message of its own").isEqualTo(201);
              assertThat(r.id()).isNotEqualTo(prepared);
              assertThat(r.text("app")).isEqualTo("billing");
              billing.post("/api/v1/messages/" + r.id() + "/cancel");
            });
      }
      case "POST /api/v1/messages/send" ->
          refusals.attempt(
              CROSS_APP,
              "billing sends on orders' topic order.fanout",
              state(),
              () -> forbidden(billing.send("order.fanout", "payload", 1)));
      case "POST /api/v1/messages/batch/prepare" ->
          refusals.attempt(
              CROSS_APP,
              "billing batch-prepares on orders' topic order.fanout",
              state(),
              () -> {
                JsonNode item =
                    billing
                        .post(
                            "/api/v1/messages/batch/prepare",
                            Map.of("items", List.of(Map.of("topic", "order.fanout", "payload", 1))))
                        .body()
                        .get("items")
                        .get(0);
                assertThat(item.get("httpStatus").asInt()).isEqualTo(403);
                assertThat(item.get("code").asString()).isEqualTo("forbidden");
              });
      case "POST /api/v1/messages/{id}/confirm", "POST /api/v1/messages/{id}/cancel" ->
          refusals.attempt(
              CROSS_APP,
              "billing on orders' message: " + endpoint,
              state(),
              () -> notFound(billing.post(path(endpoint))));
      case "POST /api/v1/messages/batch/confirm", "POST /api/v1/messages/batch/cancel" ->
          refusals.attempt(
              CROSS_APP,
              "billing on orders' message: " + endpoint,
              state(),
              () -> {
                JsonNode item =
                    billing
                        .post(Endpoints.path(endpoint), Map.of("messageIds", List.of(prepared)))
                        .body()
                        .get("items")
                        .get(0);
                assertThat(item.get("httpStatus").asInt()).isEqualTo(404);
                assertThat(item.get("code").asString()).isEqualTo("not-found");
              });
      case "GET /api/v1/messages/{id}" ->
          refusals.attempt(
              CROSS_APP,
              "billing reads orders' message",
              state(),
              () -> {
                Response r = billing.get(path(endpoint));
                notFound(r);
                assertThat(r.raw()).doesNotContain("4111").doesNotContain(producerMessageId);
              });
      case "GET /api/v1/messages" -> {
        for (String filter : List.of("producerMessageId", "businessKey")) {
          refusals.attempt(
              CROSS_APP,
              "billing lists by orders' " + filter,
              state(),
              () -> {
                Response r = billing.get("/api/v1/messages?" + filter + "=" + producerMessageId);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body().get("items").size()).isZero();
              });
        }
        refusals.attempt(
            CROSS_APP,
            "billing pages on with a cursor from orders' list",
            state(),
            () -> {
              String cursor =
                  as("orders").get("/api/v1/messages?limit=1").body().get("nextCursor").asString();
              Response r = billing.get("/api/v1/messages?limit=500&cursor=" + cursor);
              assertThat(r.status()).isEqualTo(200);
              assertThat(ids(r)).doesNotContain(prepared.toString(), sent.toString());
              r.body()
                  .get("items")
                  .forEach(m -> assertThat(m.get("app").asString()).isEqualTo("billing"));
            });
      }
      case "POST /api/v1/subscriptions/{name}/acks" -> {
        for (String app : List.of("audit", "orders")) {
          refusals.attempt(
              CROSS_APP,
              app + " acks on cart's subscription",
              state(),
              () ->
                  forbidden(
                      as(app)
                          .post(
                              "/api/v1/subscriptions/cart.order-created/acks",
                              Map.of("messageIds", List.of(sent)))));
        }
        refusals.attempt(
            CROSS_APP,
            "audit acks a message on its own subscription that only cart receives",
            state(),
            () -> {
              JsonNode item =
                  audit
                      .post(
                          "/api/v1/subscriptions/audit.fanout/acks",
                          Map.of("messageIds", List.of(sent)))
                      .body()
                      .get("items")
                      .get(0);
              assertThat(item.get("outcome").asString()).isEqualTo("NOT_FOUND");
            });
      }
      case "POST /api/v1/subscriptions/{name}/nacks" -> {
        for (String app : List.of("audit", "orders")) {
          refusals.attempt(
              CROSS_APP,
              app + " nacks on cart's subscription",
              state(),
              () ->
                  forbidden(
                      as(app)
                          .post(
                              "/api/v1/subscriptions/cart.order-created/nacks",
                              Map.of("messageId", sent, "retry", false))));
        }
        refusals.attempt(
            CROSS_APP,
            "audit nacks a message on its own subscription that only cart receives",
            state(),
            () ->
                notFound(
                    audit.post(
                        "/api/v1/subscriptions/audit.fanout/nacks",
                        Map.of("messageId", sent, "retry", false))));
      }
      case "POST /api/v1/subscriptions/{name}/pull" -> {
        for (String app : List.of("audit", "orders")) {
          refusals.attempt(
              CROSS_APP,
              app + " pulls from cart's pull subscription",
              state(),
              () ->
                  forbidden(
                      as(app)
                          .post(
                              "/api/v1/subscriptions/cart.pulled/pull",
                              Map.of("max", 10, "leaseSeconds", 60))));
        }
      }
      case "GET /api/v1/stats" ->
          refusals.attempt(
              CROSS_APP,
              "audit's stats show no other app's topics or subscriptions",
              state(),
              () -> {
                JsonNode stats = audit.get("/api/v1/stats").body();
                assertThat(stats.get("subscriptions").findValuesAsString("subscription"))
                    .containsExactlyInAnyOrderElementsOf(
                        jdbc.queryForList(
                            "select name from subscription where app_id = 'audit'", String.class))
                    .contains("audit.fanout")
                    .doesNotContain("cart.order-created", "cart.fanout");
                assertThat(stats.get("topics").findValuesAsString("topic"))
                    .containsExactlyInAnyOrderElementsOf(
                        jdbc.queryForList(
                            "select distinct topic from message where app_id = 'audit'",
                            String.class));
              });
      default ->
          throw new AssertionError(
              "no cross-app case for " + endpoint + ": add it to the security tests");
    }
  }

  /** The calls under /api/v1/admin/subscriptions that an operator may make (the rest: ADMIN). */
  private static final java.util.Set<String> OPERATOR_SUBSCRIPTION_CALLS =
      java.util.Set.of(
          "GET /api/v1/admin/subscriptions/{name}/held-keys",
          "POST /api/v1/admin/subscriptions/{name}/pause",
          "POST /api/v1/admin/subscriptions/{name}/resume",
          "POST /api/v1/admin/subscriptions/{name}/replay",
          "GET /api/v1/admin/subscriptions/{name}/replays");

  @Test
  void everyAdminEndpointRefusesAppsWithoutTheRole() {
    List<String> admin = endpoints().stream().filter(e -> e.contains(" /api/v1/admin/")).toList();
    assertThat(admin).hasSizeGreaterThanOrEqualTo(6);
    for (String endpoint : admin) {
      List<String> callers = new ArrayList<>(List.of("orders", "cart", "shop"));
      if (endpoint.contains("/api/v1/admin/apps")
          || endpoint.contains("/api/v1/admin/subscriptions")
              && !OPERATOR_SUBSCRIPTION_CALLS.contains(endpoint)) {
        callers.add("ops");
      }
      for (String app : callers) {
        refusals.attempt(
            ADMIN_ROLE,
            app + ": " + endpoint,
            state(),
            () ->
                forbidden(
                    as(app).call(Endpoints.method(endpoint), path(endpoint), body(endpoint))));
      }
    }
    // the roles do open them: the refusals above are about the role, not the requests
    assertThat(as("ops").get("/api/v1/admin/events?limit=1").status()).isEqualTo(200);
    assertThat(as("root").get("/api/v1/admin/events?limit=1").status()).isEqualTo(200);
    assertThat(as("root").get("/api/v1/admin/apps/shop").status()).isEqualTo(200);
    assertThat(as("root").get("/api/v1/admin/subscriptions/cart.order-created").status())
        .isEqualTo(200);
    assertThat(as("ops").get("/api/v1/admin/subscriptions/cart.order-created/held-keys").status())
        .isEqualTo(200);
  }

  private static void forbidden(Response r) {
    assertThat(r.status()).as(r.raw()).isEqualTo(403);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.code()).isEqualTo("forbidden");
  }

  private static void notFound(Response r) {
    assertThat(r.status()).as(r.raw()).isEqualTo(404);
    assertThat(r.code()).isEqualTo("not-found");
  }

  private static List<String> ids(Response page) {
    List<String> ids = new ArrayList<>();
    page.body().get("items").forEach(m -> ids.add(m.get("id").asString()));
    return ids;
  }
}
