package io.rms.service.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.dashboard.users.DashboardUsers;
import io.rms.service.dashboard.users.Role;
import io.rms.service.testing.Api;
import io.rms.service.testing.DashboardClient;
import io.rms.service.testing.DashboardClient.Page;
import io.rms.service.testing.IntegrationTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The dashboard chain: login, roles, CSRF, logout, and that the REST API's chain is untouched. */
class DashboardSecurityTest extends IntegrationTest {
  @Autowired DashboardUsers users;

  @BeforeEach
  void users() {
    DashboardUsersFixture.ensure(users, "viewer", Role.VIEWER);
    DashboardUsersFixture.ensure(users, "operator", Role.OPERATOR);
  }

  private DashboardClient as(String user, String password) {
    return DashboardClient.loggedIn(port, user, password);
  }

  private DashboardClient viewer() {
    return as("viewer", DashboardUsersFixture.password("viewer"));
  }

  private DashboardClient operator() {
    return as("operator", DashboardUsersFixture.password("operator"));
  }

  private DashboardClient admin() {
    return as(DashboardUsersFixture.ADMIN, DashboardUsersFixture.ADMIN_PASSWORD);
  }

  private UUID inDoubtMessage() {
    Api.Response r = as("orders").prepare("order.created", "payload", Map.of("n", 1));
    assertThat(r.status()).isEqualTo(201);
    jdbc.update("update message set status = 'IN_DOUBT' where id = ?", r.id());
    return r.id();
  }

  private String status(UUID id) {
    return jdbc.queryForObject("select status from message where id = ?", String.class, id);
  }

  @Test
  void anonymousIsSentToTheLoginPage() {
    DashboardClient anonymous = new DashboardClient(port);
    for (String path : new String[] {"/dashboard", "/dashboard/messages", "/dashboard/audit"}) {
      Page page = anonymous.get(path);
      assertThat(page.status()).as(path).isEqualTo(302);
      assertThat(page.location()).as(path).endsWith("/dashboard/login");
    }
    Page login = anonymous.get("/dashboard/login");
    assertThat(login.status()).isEqualTo(200);
    assertThat(login.body()).contains("name=\"_csrf\"").contains("Log in");
  }

  @Test
  void expiredSessionSendsHtmxPollingToTheLoginPageInsteadOfSwappingItIn() {
    Page poll = new DashboardClient(port).htmx("/dashboard/overview/panel");
    assertThat(poll.status()).isEqualTo(401);
    assertThat(poll.location()).isEqualTo("/dashboard/login");
    assertThat(poll.body()).doesNotContain("<form");
    assertThat(viewer().htmx("/dashboard/overview/panel").status()).isEqualTo(200);
  }

  @Test
  void wrongPasswordIsRefusedAndUnknownUsersLookTheSame() {
    Page wrong = new DashboardClient(port).login("viewer", "not-the-password");
    Page unknown = new DashboardClient(port).login("nobody", "not-the-password");
    assertThat(wrong.status()).isEqualTo(302);
    assertThat(wrong.location()).endsWith("/dashboard/login?error");
    assertThat(unknown.location()).isEqualTo(wrong.location());
  }

  @Test
  void deactivatedUserCannotLogIn() {
    DashboardUsersFixture.ensure(users, "leaver", Role.OPERATOR);
    users.update("leaver", Role.OPERATOR, false);
    Page page = new DashboardClient(port).login("leaver", DashboardUsersFixture.password("leaver"));
    assertThat(page.location()).endsWith("/dashboard/login?error");
  }

  @Test
  void loginWithoutCsrfTokenIsRefused() {
    DashboardClient client = new DashboardClient(port);
    client.get("/dashboard/login");
    Page page =
        client.post(
            "/dashboard/login",
            Map.of("username", "viewer", "password", DashboardUsersFixture.password("viewer")));
    assertThat(page.status()).isIn(302, 403);
    assertThat(client.get("/dashboard").status()).isEqualTo(302);
  }

  @Test
  void viewerReadsEveryPageButCannotActOrAdminister() {
    UUID id = inDoubtMessage();
    DashboardClient viewer = viewer();
    assertThat(viewer.get("/dashboard").status()).isEqualTo(200);
    assertThat(viewer.get("/dashboard/overview/panel").status()).isEqualTo(200);
    assertThat(viewer.get("/dashboard/messages").status()).isEqualTo(200);
    assertThat(viewer.get("/dashboard/audit").status()).isEqualTo(200);
    Page message = viewer.get("/dashboard/messages/" + id);
    assertThat(message.status()).isEqualTo(200);
    assertThat(message.body()).contains("IN_DOUBT").doesNotContain("dlg-commit");

    Page resolve = viewer.messageAction(id, "resolve", Map.of("decision", "COMMIT"));
    assertThat(resolve.status()).isEqualTo(403);
    assertThat(status(id)).isEqualTo("IN_DOUBT");
    assertThat(viewer.get("/dashboard/admin/apps").status()).isEqualTo(403);
    assertThat(viewer.get("/dashboard/admin/users").status()).isEqualTo(403);
  }

  @Test
  void operatorActionsNeedTheCsrfToken() {
    UUID id = inDoubtMessage();
    DashboardClient operator = operator();
    Page withoutToken =
        operator.post(
            "/dashboard/actions/messages/" + id + "/resolve", Map.of("decision", "COMMIT"));
    assertThat(withoutToken.status()).isEqualTo(403);
    assertThat(status(id)).isEqualTo("IN_DOUBT");
    Page forged =
        operator.post(
            "/dashboard/actions/messages/" + id + "/resolve",
            Map.of("decision", "COMMIT", "_csrf", "forged"));
    assertThat(forged.status()).isEqualTo(403);
    assertThat(status(id)).isEqualTo("IN_DOUBT");

    Page withToken = operator.messageAction(id, "resolve", Map.of("decision", "COMMIT"));
    assertThat(withToken.status()).isEqualTo(302);
    assertThat(withToken.location()).endsWith("/dashboard/messages/" + id);
    assertThat(status(id)).isIn("CONFIRMED", "DELIVERED");
    assertThat(
            jdbc.queryForObject(
                "select actor from message_event where message_id = ? and type = 'RESOLVE'",
                String.class,
                id))
        .isEqualTo("user:operator");
  }

  @Test
  void operatorCannotAdminister() {
    DashboardClient operator = operator();
    assertThat(operator.get("/dashboard/admin/apps").status()).isEqualTo(403);
    Page create =
        operator.submit(
            "/dashboard", "/dashboard/admin/apps", Map.of("id", "sneaky", "produces", "x"));
    assertThat(create.status()).isEqualTo(403);
    assertThat(jdbc.queryForObject("select count(*) from app where id = 'sneaky'", Long.class))
        .isZero();
  }

  @Test
  void configuredAdminAdministers() {
    DashboardClient admin = admin();
    assertThat(admin.get("/dashboard/admin/apps").body()).contains("orders").contains("billing");
    assertThat(admin.get("/dashboard/admin/subscriptions").body()).contains("cart.order-created");
    assertThat(admin.get("/dashboard/admin/users").body()).contains("viewer").contains("operator");
  }

  @Test
  void logoutEndsTheSession() {
    DashboardClient viewer = viewer();
    Page out = viewer.submit("/dashboard", "/dashboard/logout", Map.of());
    assertThat(out.status()).isEqualTo(302);
    assertThat(out.location()).endsWith("/dashboard/login?logout");
    assertThat(viewer.get("/dashboard").status()).isEqualTo(302);
  }

  @Test
  void theRestApiKeepsItsStatelessBearerChain() {
    DashboardClient viewer = viewer();
    assertThat(new Api(port, null).get("/api/v1/messages").status()).isEqualTo(401);
    assertThat(viewer.get("/api/v1/messages").status()).isEqualTo(401);
    assertThat(as("orders").get("/api/v1/messages").status()).isEqualTo(200);
  }

  @Test
  void errorsShowAFriendlyPageWithoutStackTrace() {
    DashboardClient viewer = viewer();
    Page bad = viewer.get("/dashboard/messages/not-a-uuid");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).contains("did not make sense").doesNotContain("Exception");
    Page missing = viewer.get("/dashboard/messages/" + UUID.randomUUID());
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body()).contains("Not found").doesNotContain("at io.rms");
  }
}
