package io.rms.service.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.dashboard.users.DashboardUsers;
import io.rms.service.dashboard.users.Role;
import io.rms.service.testing.Api;
import io.rms.service.testing.DashboardClient;
import io.rms.service.testing.DashboardClient.Page;
import io.rms.service.testing.FakeOidcProvider;
import io.rms.service.testing.IntegrationTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The optional OIDC login against a fake provider: the whole authorization-code flow with a signed
 * ID token, and the roles it gives.
 */
class DashboardOidcLoginTest extends IntegrationTest {
  private static final HttpClient PROVIDER =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @Autowired DashboardUsers users;

  /** Runs the browser's part of the flow and answers the dashboard's last redirect. */
  private Page oidcLogin(DashboardClient client, String username) throws Exception {
    FakeOidcProvider.nextUser = username;
    Page start = client.get("/dashboard/oauth2/authorization/fake");
    assertThat(start.status()).isEqualTo(302);
    assertThat(start.location()).startsWith(FakeOidcProvider.get().url() + "/authorize?");
    HttpResponse<String> authorize = provider(start.location());
    assertThat(authorize.statusCode()).isEqualTo(302);
    String back = authorize.headers().firstValue("Location").orElseThrow();
    URI callback = URI.create(back);
    assertThat(callback.getPath()).isEqualTo("/dashboard/login/oauth2/code/fake");
    return client.get(callback.getRawPath() + "?" + callback.getRawQuery());
  }

  private static HttpResponse<String> provider(String url)
      throws IOException, InterruptedException {
    return PROVIDER.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void loginPageOffersTheConfiguredProvider() {
    Page login = new DashboardClient(port).get("/dashboard/login");
    assertThat(login.body())
        .contains("Sign in with Fake IdP")
        .contains("href=\"/dashboard/oauth2/authorization/fake\"");
  }

  @Test
  void unknownOidcUserGetsTheDefaultViewerRole() throws Exception {
    String name = "oidc-" + UUID.randomUUID().toString().substring(0, 8);
    DashboardClient client = new DashboardClient(port);
    Page done = oidcLogin(client, name);
    assertThat(done.status()).isEqualTo(302);
    assertThat(done.location()).endsWith("/dashboard");
    Page overview = client.get("/dashboard");
    assertThat(overview.status()).isEqualTo(200);
    assertThat(overview.body()).contains(name).contains("· viewer");
    assertThat(client.get("/dashboard/admin/apps").status()).isEqualTo(403);
  }

  @Test
  void oidcUserWithADashboardAccountGetsItsRoleAndIsAuditedByName() throws Exception {
    String name = "oidc-op-" + UUID.randomUUID().toString().substring(0, 8);
    users.create(name, "unused-password-1", Role.OPERATOR);
    DashboardClient client = new DashboardClient(port);
    assertThat(oidcLogin(client, name).location()).endsWith("/dashboard");

    Api.Response r =
        as("orders")
            .post("/api/v1/messages", Map.of("topic", "order.created", "payload", Map.of()));
    jdbc.update("update message set status = 'IN_DOUBT' where id = ?", r.id());
    Page resolved =
        client.submit(
            "/dashboard/messages/" + r.id(),
            "/dashboard/actions/messages/" + r.id() + "/resolve",
            Map.of("decision", "ROLLBACK"));
    assertThat(resolved.status()).isEqualTo(302);
    assertThat(jdbc.queryForObject("select status from message where id = ?", String.class, r.id()))
        .isEqualTo("CANCELLED");
    assertThat(
            jdbc.queryForObject(
                "select actor from message_event where message_id = ? and type = 'RESOLVE'",
                String.class,
                r.id()))
        .isEqualTo("user:" + name);
  }

  @Test
  void deactivatedDashboardUserCannotLogInThroughOidc() throws Exception {
    String name = "oidc-gone-" + UUID.randomUUID().toString().substring(0, 8);
    users.create(name, "unused-password-1", Role.ADMIN);
    users.update(name, Role.ADMIN, false);
    DashboardClient client = new DashboardClient(port);
    Page refused = oidcLogin(client, name);
    assertThat(refused.location()).endsWith("/dashboard/login?error");
    assertThat(client.get("/dashboard").status()).isEqualTo(302);
  }
}
