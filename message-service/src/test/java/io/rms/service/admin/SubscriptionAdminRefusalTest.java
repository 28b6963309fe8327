package io.rms.service.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.Refusals;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every refusal of the admin API's subscription calls is a problem+json answer with a stable code
 * that changes nothing (no row, no audit event): callers without the ADMIN role (401, 403), bad
 * settings (400 naming the field), unknown names (404) and a name that exists (409).
 */
class SubscriptionAdminRefusalTest extends IntegrationTest {
  private static final String PATH = "/api/v1/admin/subscriptions";
  private static final String WHO = "subscription changes by non-admins";
  private static final String WHAT = "subscription settings outside the rules";
  private static final String WHICH = "subscription calls on unknown or existing names";

  private static final Refusals refusals = new Refusals();

  @AfterAll
  static void tally() {
    refusals.report();
  }

  /** The subscriptions' rows and the registry's audit events. */
  private Supplier<Object> state() {
    return () ->
        List.of(
            jdbc.queryForList("select s::text from subscription s order by name", String.class),
            jdbc.queryForList("select id from message_event where message_id is null order by id"));
  }

  private static Map<String, Object> valid(String name) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("topic", "order.created");
    body.put("app", "cart");
    return body;
  }

  private static Map<String, Object> with(String field, Object value) {
    Map<String, Object> body = new HashMap<>(valid("refused.sub"));
    body.put(field, value);
    return body;
  }

  private void refused(String category, String what, Response r, int status, String code) {
    assertThat(r.status()).as(what + ": " + r.raw()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.code()).isEqualTo(code);
  }

  @Test
  void onlyAdminsListCreateChangeActivateOrDeactivate() {
    Map<String, Api> callers =
        Map.of(
            "no key", new Api(port, null),
            "a wrong key", new Api(port, "root-key-wrong"),
            "a consumer (cart)", as("cart"),
            "a producer (orders)", as("orders"),
            "an operator (ops)", as("ops"));
    String sub = PATH + "/cart.order-created";
    callers.forEach(
        (who, api) -> {
          Map<String, Supplier<Response>> calls = new LinkedHashMap<>();
          calls.put("list", () -> api.get(PATH));
          calls.put("get", () -> api.get(sub));
          calls.put("create", () -> api.post(PATH, valid("refused.sub")));
          calls.put("change", () -> api.call("PATCH", sub, Map.of("maxAttempts", 1)));
          calls.put("deactivate", () -> api.post(sub + "/deactivate"));
          calls.put("activate", () -> api.post(sub + "/activate"));
          calls.forEach(
              (call, response) ->
                  refusals.attempt(
                      WHO,
                      who + ": " + call,
                      state(),
                      () -> {
                        Response r = response.get();
                        assertThat(r.status()).as(r.raw()).isIn(401, 403);
                        assertThat(r.code()).isIn("unauthenticated", "forbidden");
                        assertThat(r.contentType()).startsWith("application/problem+json");
                      }));
        });
    refusals.attempt(
        WHO,
        "a consumer reads held keys",
        state(),
        () -> refused(WHO, "cart held keys", as("cart").get(sub + "/held-keys"), 403, "forbidden"));
    assertThat(as("ops").get(sub + "/held-keys").status())
        .as("an operator reads held keys")
        .isEqualTo(200);
    assertThat(as("root").get(sub + "/held-keys").status()).isEqualTo(200);
  }

  @Test
  void badSettingsAreRefusedNamingTheField() {
    Map<String, Map<String, Object>> bodies = new LinkedHashMap<>();
    bodies.put("name", with("name", "Bad Name"));
    bodies.put("name ", with("name", null));
    bodies.put("topic", with("topic", "Not a topic!"));
    bodies.put("topic ", with("topic", null));
    bodies.put("app: no app", with("app", "no-such-app"));
    bodies.put("ackTimeoutSeconds", with("ackTimeoutSeconds", 0));
    bodies.put("ackTimeoutSeconds ", with("ackTimeoutSeconds", 1_000_000_000_000L));
    bodies.put("maxAttempts", with("maxAttempts", 0));
    bodies.put("maxAttempts ", with("maxAttempts", 10_001));
    bodies.put("backoffInitialSeconds", with("backoffInitialSeconds", -1));
    bodies.put("backoffMultiplier", with("backoffMultiplier", 0.5));
    bodies.put("backoffMultiplier ", with("backoffMultiplier", 1e9));
    bodies.put("backoffMaxSeconds", with("backoffMaxSeconds", 1));
    bodies.put("queue must match", with("queue", "amq.mine"));
    bodies.put("queue must match ", with("queue", "a queue with spaces"));
    bodies.put("is the queue of cart.order-created", with("queue", queueOf("cart.order-created")));
    bodies.forEach(
        (field, body) ->
            refusals.attempt(
                WHAT,
                "create refused for " + field.trim() + ": " + body,
                state(),
                () -> {
                  Response r = as("root").post(PATH, body);
                  refused(WHAT, field, r, 400, "validation-failed");
                  assertThat(r.text("detail")).contains(field.trim());
                }));
    String sub = PATH + "/cart.poison";
    Map<String, Map<String, Object>> changes = new LinkedHashMap<>();
    changes.put("name cannot change", Map.of("name", "other.name"));
    changes.put("topic", Map.of("topic", "Bad Topic"));
    changes.put("maxAttempts", Map.of("maxAttempts", -3));
    changes.put("backoffMaxSeconds", Map.of("backoffInitialSeconds", 700));
    changes.put("app: no app", Map.of("app", "nobody"));
    changes.forEach(
        (field, body) ->
            refusals.attempt(
                WHAT,
                "change with " + body,
                state(),
                () -> {
                  Response r = as("root").call("PATCH", sub, body);
                  refused(WHAT, field, r, 400, "validation-failed");
                  assertThat(r.text("detail")).contains(field);
                }));
    refusals.attempt(
        WHAT,
        "create with a body that is not JSON",
        state(),
        () ->
            refused(
                WHAT, "not JSON", as("root").post(PATH, "{not json"), 400, "malformed-request"));
    refusals.attempt(
        WHAT,
        "change with a body that is not JSON",
        state(),
        () ->
            refused(
                WHAT,
                "not JSON",
                as("root").call("PATCH", sub, "[1, 2]"),
                400,
                "malformed-request"));
    refusals.attempt(
        WHAT,
        "held keys with a limit of 0",
        state(),
        () ->
            refused(
                WHAT,
                "limit",
                as("ops").get(sub + "/held-keys?limit=0"),
                400,
                "validation-failed"));
    refusals.attempt(
        WHAT,
        "held keys with a limit that is no number",
        state(),
        () ->
            refused(
                WHAT,
                "limit",
                as("ops").get(sub + "/held-keys?limit=many"),
                400,
                "validation-failed"));
  }

  private String queueOf(String subscription) {
    return jdbc.queryForObject(
        "select queue from subscription where name = ?", String.class, subscription);
  }

  @Test
  void unknownNamesAre404AndAnExistingName409() {
    Api root = as("root");
    String unknown = PATH + "/no.such-subscription";
    Map<String, Supplier<Response>> calls = new LinkedHashMap<>();
    calls.put("get", () -> root.get(unknown));
    calls.put("change", () -> root.call("PATCH", unknown, Map.of("maxAttempts", 3)));
    calls.put("activate", () -> root.post(unknown + "/activate"));
    calls.put("deactivate", () -> root.post(unknown + "/deactivate"));
    calls.put("held keys", () -> as("ops").get(unknown + "/held-keys"));
    calls.forEach(
        (call, response) ->
            refusals.attempt(
                WHICH,
                call + " of an unknown subscription",
                state(),
                () -> {
                  Response r = response.get();
                  refused(WHICH, call, r, 404, "not-found");
                  assertThat(r.text("detail")).isEqualTo("no subscription no.such-subscription");
                }));
    refusals.attempt(
        WHICH,
        "create a subscription whose name exists",
        state(),
        () -> {
          Response r = root.post(PATH, valid("cart.order-created"));
          refused(WHICH, "exists", r, 409, "already-exists");
          assertThat(r.text("detail")).contains("cart.order-created already exists");
        });
  }
}
