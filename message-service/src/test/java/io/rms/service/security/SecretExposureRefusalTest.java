package io.rms.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.dashboard.DashboardUsersFixture;
import io.rms.service.dashboard.users.DashboardUsers;
import io.rms.service.dashboard.users.Role;
import io.rms.service.registry.ApiKeys;
import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.DashboardClient;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.Refusals;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * API keys are stored only as bcrypt hashes and never show up again: not in the database, not in
 * the admin API or dashboard pages, not in error answers, and not in the logs, even with Spring
 * Security's, Spring MVC's and the service's own loggers at TRACE/DEBUG while requests with good,
 * wrong and rotated keys, check-back secrets and dashboard passwords go through. Each place looked
 * at for a secret is one attempt; finding nothing is a refusal.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretExposureRefusalTest extends IntegrationTest {
  static final String STORED = "API keys and passwords stored other than as bcrypt hashes";
  static final String SHOWN = "API keys, hashes and secrets shown again (API, pages, errors)";
  static final String LOGGED = "API keys, hashes, secrets and passwords in the logs";

  private static final Refusals refusals = new Refusals();
  private static final Pattern NEW_KEY = Pattern.compile("id=\"new-key\">([^<]+)<");
  private static final List<String> VERBOSE =
      List.of("org.springframework.security", "org.springframework.web", "io.rms");

  @Autowired ApiKeys apiKeys;
  @Autowired DashboardUsers users;
  @Autowired LoggingSystem logging;

  @AfterAll
  static void tally() {
    refusals.report();
  }

  private List<String> hashes(String app) {
    return jdbc.queryForList(
        "select unnest(api_key_hashes) from app where id = ?", String.class, app);
  }

  @Test
  void configuredKeysAndDashboardPasswordsAreStoredAsBcryptHashesOfThemselves() {
    for (String app : List.of("orders", "billing", "cart", "audit", "ops", "shop", "root")) {
      refusals.attempt(
          STORED,
          app + "'s configured key in app.api_key_hashes",
          () -> {
            List<String> stored = hashes(app);
            assertThat(stored).isNotEmpty();
            for (String hash : stored) {
              assertThat(hash).startsWith("{bcrypt}$2").doesNotContain(app + "-key");
            }
            assertThat(stored).anyMatch(hash -> apiKeys.matches(app + "-key", hash));
          });
    }
    DashboardUsersFixture.ensure(users, "viewer", Role.VIEWER);
    for (String user : List.of("admin", "viewer")) {
      refusals.attempt(
          STORED,
          user + "'s password in dashboard_user.password_hash",
          () ->
              assertThat(
                      jdbc.queryForObject(
                          "select password_hash from dashboard_user where username = ?",
                          String.class,
                          user))
                  .startsWith("{bcrypt}$2")
                  .doesNotContain("password"));
    }
  }

  @Test
  void keysCreatedOrRotatedInTheDashboardAreShownOnceAndStoredHashed() {
    DashboardClient admin =
        DashboardClient.loggedIn(
            port, DashboardUsersFixture.ADMIN, DashboardUsersFixture.ADMIN_PASSWORD);
    String app = "key-" + UUID.randomUUID().toString().substring(0, 8);
    admin.submit(
        "/dashboard/admin/apps/new",
        "/dashboard/admin/apps",
        Map.of(
            "id",
            app,
            "produces",
            "order.created",
            "checkBackSecret",
            "created-secret-42-0123456789abcdef"));
    String created = shownOnce(admin, app);
    admin.submit(
        "/dashboard/admin/apps/" + app, "/dashboard/admin/apps/" + app + "/rotate-key", Map.of());
    String rotated = shownOnce(admin, app);
    assertThat(rotated).isNotEqualTo(created);
    assertThat(new Api(port, created).get("/api/v1/stats").status()).as("old key").isEqualTo(401);
    assertThat(new Api(port, rotated).get("/api/v1/stats").status()).isEqualTo(200);
    refusals.attempt(
        STORED,
        "a rotated dashboard key in app.api_key_hashes",
        () -> {
          List<String> stored = hashes(app);
          assertThat(stored).hasSize(1);
          // rms_<16 hex digit key id>_<secret>; the secret is base64url, so it may hold '_' itself
          String secret = rotated.substring("rms_".length() + 16 + 1);
          assertThat(secret).hasSize(43);
          assertThat(stored.get(0)).startsWith("{rms-sha256}").doesNotContain(secret);
          assertThat(apiKeys.matches(rotated, stored.get(0))).isTrue();
        });
    refusals.attempt(
        SHOWN,
        "the key on the app's page after the one time",
        () ->
            assertThat(admin.get("/dashboard/admin/apps/" + app).body())
                .doesNotContain(rotated)
                .doesNotContain("{bcrypt}")
                .doesNotContain("{rms-sha256}")
                .doesNotContain("created-secret-42-0123456789abcdef"));
  }

  private String shownOnce(DashboardClient admin, String app) {
    Matcher shown = NEW_KEY.matcher(admin.get("/dashboard/admin/apps/" + app).body());
    assertThat(shown.find()).as("the new key is shown").isTrue();
    return shown.group(1);
  }

  @Test
  void neitherTheAdminApiNorThePagesNorErrorsShowKeysHashesOrSecrets() {
    List<String> secrets = secrets();
    Map<String, String> places = new LinkedHashMap<>();
    places.put("GET /api/v1/admin/apps", as("root").get("/api/v1/admin/apps").raw());
    places.put("GET /api/v1/admin/apps/shop", as("root").get("/api/v1/admin/apps/shop").raw());
    DashboardClient admin =
        DashboardClient.loggedIn(
            port, DashboardUsersFixture.ADMIN, DashboardUsersFixture.ADMIN_PASSWORD);
    places.put("the dashboard's apps page", admin.get("/dashboard/admin/apps").body());
    places.put("the dashboard's shop page", admin.get("/dashboard/admin/apps/shop").body());
    places.put("the dashboard's users page", admin.get("/dashboard/admin/users").body());
    places.put(
        "a 401 answer to a wrong key", new Api(port, "rms_guess-1234").get("/api/v1/stats").raw());
    places.put(
        "a 403 answer to a producer's key on the admin API",
        as("shop").get("/api/v1/admin/apps/shop").raw());
    assertThat(places.get("GET /api/v1/admin/apps")).contains("\"checkBackSecretSet\"");
    places.forEach(
        (place, text) ->
            refusals.attempt(
                SHOWN,
                place,
                () ->
                    secrets.forEach(secret -> assertThat(text).as(place).doesNotContain(secret))));
  }

  /** Every configured key, its stored hashes, the check-back secrets and dashboard passwords. */
  private List<String> secrets() {
    List<String> secrets = new java.util.ArrayList<>();
    for (String app : List.of("orders", "billing", "cart", "audit", "ops", "shop", "root")) {
      secrets.add(app + "-key");
      secrets.addAll(hashes(app));
    }
    secrets.addAll(
        List.of(
            "shop-check-back-secret-32-bytes-long",
            "slowshop-check-back-secret-32-bytes-long",
            DashboardUsersFixture.ADMIN_PASSWORD));
    secrets.add(DashboardUsersFixture.password("viewer"));
    return secrets;
  }

  @Test
  void requestsWithGoodWrongAndRotatedKeysLeaveNoSecretInTheLogs(CapturedOutput output) {
    DashboardUsersFixture.ensure(users, "viewer", Role.VIEWER);
    String registeredSecret = "registered-secret-" + UUID.randomUUID();
    String wrongKey = "rms_wrong-" + UUID.randomUUID();
    int from = output.length();
    VERBOSE.forEach(logger -> logging.setLogLevel(logger, LogLevel.TRACE));
    try {
      as("orders").get("/api/v1/messages?limit=1");
      Response prepared = as("shop").prepare("order.created", "payload", 1);
      as("shop").post("/api/v1/messages/" + prepared.id() + "/cancel");
      as("cart").post("/api/v1/subscriptions/cart.order-created/acks", "{\"messageIds\":[\"x\"]}");
      new Api(port, wrongKey).get("/api/v1/stats");
      Api.withAuthorization(port, "Basic b3JkZXJzOm9yZGVycy1rZXk=").get("/api/v1/stats");
      as("root")
          .put(
              "/api/v1/admin/apps/slowshop/check-back",
              Map.of("url", "http://127.0.0.1:9/slowshop", "secret", registeredSecret));
      as("root")
          .put(
              "/api/v1/admin/apps/slowshop/check-back",
              Map.of("url", "", "secret", "slowshop-check-back-secret-32-bytes-long"));
      DashboardClient.loggedIn(port, "viewer", DashboardUsersFixture.password("viewer"));
      new DashboardClient(port).login("admin", "not-the-" + DashboardUsersFixture.ADMIN_PASSWORD);
    } finally {
      VERBOSE.forEach(logger -> logging.setLogLevel(logger, null));
    }
    String logs = output.toString().substring(from);
    assertThat(logs)
        .as("the principal was logged, so its printed form is what is checked")
        .contains("AppAuthentication");
    List<String> secrets = secrets();
    secrets.add(registeredSecret);
    secrets.add(wrongKey);
    secrets.add("b3JkZXJzOm9yZGVycy1rZXk=");
    for (String secret : secrets) {
      refusals.attempt(
          LOGGED,
          secret.startsWith("{") ? "a key hash" : "'" + secret + "'",
          () -> assertThat(logs).doesNotContain(secret));
    }
  }
}
