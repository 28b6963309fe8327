package io.rms.service.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.RmsApplication;
import io.rms.service.dashboard.users.DashboardUsers;
import io.rms.service.dashboard.users.Role;
import io.rms.service.testing.Api;
import io.rms.service.testing.DashboardClient;
import io.rms.service.testing.DashboardClient.Page;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.Refusals;
import io.rms.service.testing.TestInfra;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Dashboard sessions live in PostgreSQL: a login on one instance of the service works on another
 * (session and CSRF token), and a change of a user's role, active state or password ends the user's
 * sessions on every instance.
 */
class DashboardSessionsTest extends IntegrationTest {
  static final String ENDED = "sessions of demoted, deactivated or re-passworded dashboard users";
  private static final Refusals refusals = new Refusals();
  private static ConfigurableApplicationContext second;

  @Autowired DashboardUsers users;

  @AfterAll
  static void stopTheSecondInstance() {
    if (second != null) {
      second.close();
    }
    refusals.report();
  }

  /** A second instance of the service on the same database and broker, on its own port. */
  private static synchronized int secondInstance() {
    if (second == null) {
      Map<String, Object> properties = new LinkedHashMap<>();
      IntegrationTest.register((name, value) -> properties.put(name, value.get()), TestInfra.get());
      properties.put("server.port", 0);
      properties.put("spring.quartz.auto-startup", false);
      second =
          new SpringApplicationBuilder(RmsApplication.class)
              .profiles("itest")
              .properties(properties)
              .run();
    }
    return ((WebServerApplicationContext) second).getWebServer().getPort();
  }

  private DashboardClient operator(String name) {
    DashboardUsersFixture.ensure(users, name, Role.OPERATOR);
    return DashboardClient.loggedIn(port, name, DashboardUsersFixture.password(name));
  }

  private UUID inDoubtMessage() {
    UUID id = as("orders").prepare("order.created", "payload", Map.of()).id();
    jdbc.update("update message set status = 'IN_DOUBT' where id = ?", id);
    return id;
  }

  private String status(UUID id) {
    return jdbc.queryForObject("select status from message where id = ?", String.class, id);
  }

  /** The session is gone: pages send the client to the login page, actions change nothing. */
  private void ended(String what, DashboardClient client, UUID id, String token) {
    refusals.attempt(
        ENDED,
        what,
        () -> status(id),
        () -> {
          Page overview = client.get("/dashboard");
          assertThat(overview.status()).isEqualTo(302);
          assertThat(overview.location()).endsWith("/dashboard/login");
          Page action =
              client.post(
                  "/dashboard/actions/messages/" + id + "/resolve",
                  Map.of("decision", "ROLLBACK", "_csrf", token));
          assertThat(action.status()).isIn(302, 403);
        });
  }

  @Test
  void aLoginOnOneInstanceServesPagesAndActionsOnAnother() {
    int other = secondInstance();
    DashboardClient first = operator("two-pods-op");
    DashboardClient secondPod = first.at(other);
    UUID id = inDoubtMessage();

    Page overview = secondPod.get("/dashboard");
    assertThat(overview.status()).isEqualTo(200);
    assertThat(overview.body()).contains("two-pods-op").contains("· operator");

    // the CSRF token of a page served by the first instance is good on the second
    String token = first.csrf("/dashboard/messages/" + id);
    Page resolved =
        secondPod.post(
            "/dashboard/actions/messages/" + id + "/resolve",
            Map.of("decision", "ROLLBACK", "_csrf", token));
    assertThat(resolved.status()).isEqualTo(302);
    assertThat(status(id)).isEqualTo("CANCELLED");
    assertThat(
            jdbc.queryForObject(
                "select actor from message_event where message_id = ? and type = 'RESOLVE'",
                String.class,
                id))
        .isEqualTo("user:two-pods-op");
  }

  @Test
  void aDemotionOnOneInstanceEndsTheSessionOnTheOther() {
    int other = secondInstance();
    DashboardClient victim = operator("demoted-elsewhere");
    UUID id = inDoubtMessage();
    String token = victim.csrf("/dashboard/messages/" + id);
    DashboardClient admin =
        DashboardClient.loggedIn(
            other, DashboardUsersFixture.ADMIN, DashboardUsersFixture.ADMIN_PASSWORD);
    Page saved = admin.saveUser("demoted-elsewhere", "VIEWER", true);
    assertThat(saved.status()).isEqualTo(302);

    ended("demoted to VIEWER on another instance", victim, id, token);
    ended("the same session on the instance that demoted", victim.at(other), id, token);
  }

  @Test
  void changingRoleStateOrPasswordEndsTheUsersSessions() {
    UUID id = inDoubtMessage();
    Map<String, Runnable> changes = new LinkedHashMap<>();
    changes.put("demoted to VIEWER", () -> users.update("sess-demoted", Role.VIEWER, true));
    changes.put("deactivated", () -> users.update("sess-deactivated", Role.OPERATOR, false));
    changes.put(
        "given a new password",
        () -> users.resetPassword("sess-new-password", "another-password-1"));
    changes.put("promoted to ADMIN", () -> users.update("sess-promoted", Role.ADMIN, true));
    String[] names = {"sess-demoted", "sess-deactivated", "sess-new-password", "sess-promoted"};
    int i = 0;
    for (Map.Entry<String, Runnable> change : changes.entrySet()) {
      DashboardClient client = operator(names[i++]);
      DashboardClient elsewhere = operator(names[i - 1]); // a second session of the same user
      String token = client.csrf("/dashboard/messages/" + id);
      change.getValue().run();
      ended(change.getKey(), client, id, token);
      ended(change.getKey() + " (the user's other session)", elsewhere, id, token);
    }
    assertThat(status(id)).isEqualTo("IN_DOUBT");
  }

  @Test
  void savingAUserWithoutChangesKeepsItsSessions() {
    DashboardClient client = operator("sess-unchanged");
    users.update("sess-unchanged", Role.OPERATOR, true);
    assertThat(client.get("/dashboard").status()).isEqualTo(200);
    assertThat(new Api(port, "orders-key").get("/api/v1/stats").status()).isEqualTo(200);
  }
}
