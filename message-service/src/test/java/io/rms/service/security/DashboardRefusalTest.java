package io.rms.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.dashboard.DashboardUsersFixture;
import io.rms.service.dashboard.users.DashboardUsers;
import io.rms.service.dashboard.users.Role;
import io.rms.service.testing.Api;
import io.rms.service.testing.Await;
import io.rms.service.testing.DashboardClient;
import io.rms.service.testing.DashboardClient.Page;
import io.rms.service.testing.Endpoints;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.Refusals;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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

/**
 * The dashboard's endpoints, taken from its controllers' mappings: admin pages and forms refuse
 * everyone below ADMIN, operator actions everyone below OPERATOR, and every form post without the
 * session's CSRF token. Each refusal is counted and changes nothing; the operator's actions that
 * are allowed leave an audit event with the user as actor.
 */
class DashboardRefusalTest extends IntegrationTest {
  static final String ADMIN_ROLE = "dashboard admin pages and forms without the ADMIN role";
  static final String OPERATOR_ROLE = "dashboard operator actions without the OPERATOR role";
  static final String CSRF = "dashboard form posts without the session's CSRF token";

  private static final Refusals refusals = new Refusals();

  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mapping;

  @Autowired DashboardUsers users;

  /** Orders' message parked IN_DOUBT. */
  private UUID inDoubt;

  /** Orders' message whose delivery to cart.order-created is DEAD. */
  private UUID dead;

  @AfterAll
  static void tally() {
    refusals.report();
  }

  @BeforeEach
  void usersAndMessages() {
    DashboardUsersFixture.ensure(users, "viewer", Role.VIEWER);
    DashboardUsersFixture.ensure(users, "operator", Role.OPERATOR);
    DashboardUsersFixture.ensure(users, "second-admin", Role.ADMIN);
    inDoubt = as("orders").prepare("order.created", "payload", Map.of("n", 1)).id();
    jdbc.update("update message set status = 'IN_DOUBT' where id = ?", inDoubt);
    dead = as("orders").send("order.created", "payload", 2).id();
    Await.until(
        Duration.ofSeconds(10),
        "the delivery is published",
        () ->
            "PUBLISHED"
                .equals(
                    jdbc.queryForObject(
                        "select status from delivery where message_id = ?", String.class, dead)));
    jdbc.update(
        "update delivery set status = 'DEAD', last_error = 'test' where message_id = ?", dead);
  }

  @AfterEach
  void resolveWhatIsLeft() {
    as("ops")
        .post("/api/v1/admin/messages/" + inDoubt + "/resolve", Map.of("decision", "ROLLBACK"));
    jdbc.update(
        "update delivery set status = 'ACKED', acked_at = now() where message_id = ?", dead);
  }

  private DashboardClient login(String user) {
    return DashboardClient.loggedIn(
        port,
        user,
        user.equals(DashboardUsersFixture.ADMIN)
            ? DashboardUsersFixture.ADMIN_PASSWORD
            : DashboardUsersFixture.password(user));
  }

  /** Registry, users, the two target messages, DEAD deliveries and every audit-relevant event. */
  private Supplier<Object> state() {
    String ids = "{" + inDoubt + "," + dead + "}";
    return () ->
        List.of(
            jdbc.queryForList(
                "select id, api_key_hashes::text, produces::text, check_back_url,"
                    + " check_back_secret, roles::text, active from app order by id"),
            jdbc.queryForList(
                "select name, topic, app_id, queue, ack_timeout_ms, max_attempts, active"
                    + " from subscription order by name"),
            jdbc.queryForList(
                "select username, password_hash, role, active from dashboard_user order by 1"),
            jdbc.queryForList(
                "select id, status, confirmed_at, finished_at from message"
                    + " where id = any(?::uuid[]) order by id",
                ids),
            jdbc.queryForList(
                "select message_id, subscription, status, attempts from delivery"
                    + " where message_id = any(?::uuid[]) or status = 'DEAD' order by 1, 2",
                ids),
            jdbc.queryForList(
                "select id, type, actor from message_event"
                    + " where message_id = any(?::uuid[]) or message_id is null"
                    + " or type in ('RESOLVE', 'REDELIVER', 'DISCARD') order by id",
                ids));
  }

  private List<String> endpoints(String prefix) {
    return Endpoints.of(mapping, prefix);
  }

  /** The endpoint's path with its variables filled in. */
  private String path(String endpoint, String actingUser) {
    String path = Endpoints.path(endpoint);
    if (path.startsWith("/dashboard/actions/messages/")) {
      return path.replace("{id}", (path.endsWith("/resolve") ? inDoubt : dead).toString());
    }
    return path.replace("{id}", "billing")
        .replace("{existing}", "cart.fanout")
        .replace("{name}", "cart.order-created")
        .replace("{username}", actingUser);
  }

  /** The form fields that would make the endpoint act if the user were allowed to post it. */
  private static Map<String, String> form(String endpoint) {
    return switch (endpoint) {
      case "POST /dashboard/actions/messages/{id}/resolve" -> Map.of("decision", "COMMIT");
      case "POST /dashboard/actions/messages/{id}/redeliver",
          "POST /dashboard/actions/messages/{id}/discard" ->
          Map.of("subscription", "cart.order-created");
      case "POST /dashboard/actions/subscriptions/{name}/redeliver-dead" -> Map.of("limit", "10");
      case "POST /dashboard/actions/subscriptions/{name}/replay" ->
          Map.of("from", "2026-01-01T00:00:00Z", "to", "2099-01-01T00:00:00Z");
      case "POST /dashboard/actions/subscriptions/{name}/pause",
          "POST /dashboard/actions/subscriptions/{name}/resume" ->
          Map.of();
      case "POST /dashboard/admin/apps" ->
          Map.of("id", "sneaky-app", "produces", "order.created", "roles", "ADMIN");
      case "POST /dashboard/admin/apps/{id}" ->
          Map.of(
              "produces",
              "*",
              "checkBackUrl",
              "http://127.0.0.2:1/elsewhere",
              "checkBackSecret",
              "a-secret-of-the-attacker",
              "roles",
              "ADMIN",
              "active",
              "true");
      case "POST /dashboard/admin/apps/{id}/active",
          "POST /dashboard/admin/subscriptions/{name}/active" ->
          Map.of("active", "false");
      case "POST /dashboard/admin/apps/{id}/rotate-key" -> Map.of();
      case "POST /dashboard/admin/subscriptions" ->
          Map.of("name", "sneaky.sub", "topic", "order.created", "app", "audit");
      case "POST /dashboard/admin/subscriptions/{existing}" ->
          Map.of("topic", "order.created", "app", "audit", "active", "true");
      case "POST /dashboard/admin/users" ->
          Map.of("username", "sneaky", "password", "sneaky-password-1", "role", "ADMIN");
      case "POST /dashboard/admin/users/{username}" ->
          Map.of("role", "ADMIN", "active", "true", "password", "taken-over-password-1");
      default -> throw new AssertionError("no form for " + endpoint + ": add it to this test");
    };
  }

  private Page send(DashboardClient client, String endpoint, String user, String token) {
    String path = path(endpoint, user);
    if (Endpoints.method(endpoint).equals("GET")) {
      return client.get(path);
    }
    Map<String, String> fields = new LinkedHashMap<>(form(endpoint));
    if (token != null) {
      fields.put("_csrf", token);
    }
    return client.post(path, fields);
  }

  @Test
  void adminPagesAndFormsRefuseViewersOperatorsAnonymousUsersAndApiKeys() {
    List<String> admin = endpoints("/dashboard/admin");
    assertThat(admin).hasSizeGreaterThanOrEqualTo(16);
    for (String user : List.of("viewer", "operator")) {
      DashboardClient client = login(user);
      String token = client.csrf("/dashboard");
      for (String endpoint : admin) {
        refusals.attempt(
            ADMIN_ROLE,
            user + ": " + endpoint,
            state(),
            () -> {
              Page page = send(client, endpoint, user, token);
              assertThat(page.status()).as(page.location()).isEqualTo(403);
            });
      }
    }
    anonymousUsersAreSentToLogin(ADMIN_ROLE, admin);
    refusals.attempt(
        ADMIN_ROLE,
        "the admin app's API key on the dashboard",
        state(),
        () -> {
          HttpResponse<String> r = bearer("/dashboard/admin/apps", "root-key");
          assertThat(r.statusCode()).isEqualTo(302);
          assertThat(r.headers().firstValue("Location").orElse("")).endsWith("/dashboard/login");
        });
    refusals.attempt(
        ADMIN_ROLE,
        "an admin's dashboard session on the admin API",
        state(),
        () -> {
          DashboardClient admin1 = login(DashboardUsersFixture.ADMIN);
          assertThat(admin1.get("/api/v1/admin/apps").status()).isEqualTo(401);
        });
  }

  @Test
  void operatorActionsRefuseViewersAndAnonymousUsers() {
    List<String> actions = endpoints("/dashboard/actions");
    assertThat(actions).hasSize(7);
    DashboardClient viewer = login("viewer");
    String token = viewer.csrf("/dashboard/messages/" + inDoubt);
    for (String endpoint : actions) {
      refusals.attempt(
          OPERATOR_ROLE,
          "viewer: " + endpoint,
          state(),
          () -> assertThat(send(viewer, endpoint, "viewer", token).status()).isEqualTo(403));
    }
    anonymousUsersAreSentToLogin(OPERATOR_ROLE, actions);
  }

  @Test
  void operatorActionsOfTheOperatorAreAppliedAndAudited() {
    DashboardClient operator = login("operator");
    Page resolved = operator.messageAction(inDoubt, "resolve", Map.of("decision", "COMMIT"));
    assertThat(resolved.status()).isEqualTo(302);
    assertThat(status(inDoubt)).isIn("CONFIRMED", "DELIVERED");
    assertThat(event(inDoubt, "RESOLVE"))
        .containsEntry("actor", "user:operator")
        .containsEntry("result", "applied");

    Page redelivered =
        operator.messageAction(dead, "redeliver", Map.of("subscription", "cart.order-created"));
    assertThat(redelivered.status()).isEqualTo(302);
    assertThat(event(dead, "REDELIVER"))
        .containsEntry("actor", "user:operator")
        .containsEntry("from", "DEAD");

    // the API's operators likewise, as operator:<app>
    UUID another = as("orders").prepare("order.created", "payload", 3).id();
    assertThat(
            as("ops")
                .post(
                    "/api/v1/admin/messages/" + another + "/resolve",
                    Map.of("decision", "ROLLBACK"))
                .status())
        .isEqualTo(200);
    assertThat(event(another, "RESOLVE")).containsEntry("actor", "operator:ops");
  }

  @Test
  void everyFormPostWithoutTheSessionsCsrfTokenIsRefused() {
    List<String> posts =
        endpoints("/dashboard").stream()
            .filter(e -> e.startsWith("POST ") || e.startsWith("ANY "))
            .filter(e -> !e.equals("ANY /dashboard/denied"))
            .toList();
    assertThat(posts).hasSizeGreaterThanOrEqualTo(12);
    DashboardClient admin = login(DashboardUsersFixture.ADMIN);
    String foreign = login("second-admin").csrf("/dashboard");
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put("no token", null);
    tokens.put("a made-up token", UUID.randomUUID().toString());
    tokens.put("another session's token", foreign);
    for (String endpoint : posts) {
      tokens.forEach(
          (what, token) ->
              refusals.attempt(
                  CSRF,
                  "admin, " + what + ": " + endpoint,
                  state(),
                  () ->
                      assertThat(send(admin, endpoint, DashboardUsersFixture.ADMIN, token).status())
                          .isEqualTo(403)));
    }
    tokens.forEach(
        (what, token) -> {
          refusals.attempt(
              CSRF,
              "log in, " + what,
              state(),
              () -> {
                DashboardClient client = new DashboardClient(port);
                client.get("/dashboard/login");
                Map<String, String> form = new LinkedHashMap<>();
                form.put("username", "viewer");
                form.put("password", DashboardUsersFixture.password("viewer"));
                if (token != null) {
                  form.put("_csrf", token);
                }
                client.post("/dashboard/login", form);
                assertThat(client.get("/dashboard").status()).as("still anonymous").isEqualTo(302);
              });
          refusals.attempt(
              CSRF,
              "log out, " + what,
              state(),
              () -> {
                Map<String, String> form = new LinkedHashMap<>();
                if (token != null) {
                  form.put("_csrf", token);
                }
                assertThat(admin.post("/dashboard/logout", form).status()).isEqualTo(403);
                assertThat(admin.get("/dashboard").status()).as("still logged in").isEqualTo(200);
              });
        });
    // with the session's own token the same admin is let through
    Page withToken = admin.saveUser("second-admin", "ADMIN", true);
    assertThat(withToken.status()).isEqualTo(302);
    assertThat(withToken.location()).endsWith("/dashboard/admin/users");
  }

  /** Each endpoint, posted without a session (with the login page's token), leads to the login. */
  private void anonymousUsersAreSentToLogin(String rule, List<String> endpoints) {
    DashboardClient anonymous = new DashboardClient(port);
    String token = anonymous.csrf("/dashboard/login");
    for (String endpoint : endpoints) {
      refusals.attempt(
          rule,
          "anonymous: " + endpoint,
          state(),
          () -> {
            Page page = send(anonymous, endpoint, "anonymous", token);
            assertThat(page.status()).isEqualTo(302);
            assertThat(page.location()).endsWith("/dashboard/login");
          });
    }
  }

  private HttpResponse<String> bearer(String path, String key) {
    try {
      return HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .build()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .header("Authorization", "Bearer " + key)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private String status(UUID id) {
    return jdbc.queryForObject("select status from message where id = ?", String.class, id);
  }

  /** The newest event of the type for the message: actor and the detail's fields. */
  private Map<String, Object> event(UUID id, String type) {
    Map<String, Object> row =
        jdbc.queryForMap(
            "select actor, detail::text as detail from message_event"
                + " where message_id = ? and type = ? order by id desc limit 1",
            id,
            type);
    Map<String, Object> fields =
        new LinkedHashMap<>(Api.JSON.readValue((String) row.get("detail"), Map.class));
    fields.put("actor", row.get("actor"));
    return fields;
  }
}
