package io.rms.service.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.dashboard.users.DashboardUsers;
import io.rms.service.dashboard.users.Role;
import io.rms.service.testing.Api;
import io.rms.service.testing.DashboardClient;
import io.rms.service.testing.DashboardClient.Page;
import io.rms.service.testing.FakeOidcProvider;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.Refusals;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The optional OIDC login against a fake provider: the whole authorization-code flow with a signed
 * ID token, and the roles it gives: only a link by (issuer, subject), made once from a verified
 * email, gives a dashboard user's role; everyone else is refused (default role NONE).
 */
class DashboardOidcLoginTest extends IntegrationTest {
  private static final HttpClient PROVIDER =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @Autowired DashboardUsers users;

  private static final String REFUSED = "OIDC logins without a linked or verified account";
  private static final Refusals refusals = new Refusals();

  @AfterAll
  static void tally() {
    refusals.report();
  }

  /** Runs the browser's part of the flow and answers the dashboard's last redirect. */
  private Page oidcLogin(DashboardClient client, String username) throws Exception {
    return oidcLogin(client, username, null, null, null);
  }

  private Page oidcLogin(
      DashboardClient client, String username, String subject, String email, Boolean verified)
      throws Exception {
    FakeOidcProvider.nextLogin(username, subject, email, verified);
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

  /** The login is refused and leaves the client without a session; no link is made. */
  private void refusedLogin(String what, String user, String subject, String email, Boolean ok) {
    refusals.attempt(
        REFUSED,
        what,
        () ->
            jdbc.queryForList(
                "select username, oidc_issuer, oidc_subject from dashboard_user order by 1"),
        () -> {
          DashboardClient client = new DashboardClient(port);
          try {
            Page refused = oidcLogin(client, user, subject, email, ok);
            assertThat(refused.location()).endsWith("/dashboard/login?error");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          assertThat(client.get("/dashboard").status()).isEqualTo(302);
        });
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
  void anIdentityProviderAccountNamedLikeADashboardUserGetsNothing() {
    String name = "oidc-adm-" + UUID.randomUUID().toString().substring(0, 8);
    users.create(name, "unused-password-1", Role.ADMIN);
    refusedLogin("preferred_username of an admin", "admin", null, null, null);
    refusedLogin("preferred_username of a new admin", name, null, null, null);
    refusedLogin("an admin's name as unverified email", "x", null, name, false);
    refusedLogin("an admin's name as email without email_verified", "x", null, name, null);
    refusedLogin("an admin's name as subject", "x", name, null, null);
    refusedLogin("an unknown account (default role NONE)", "nobody", null, null, null);
  }

  @Test
  void aVerifiedEmailLinksTheAccountOnceAndTheLinkGivesTheRoleAfterwards() throws Exception {
    String email = "op-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    String subject = "sub-" + UUID.randomUUID();
    users.create(email, "unused-password-1", Role.OPERATOR);
    DashboardClient client = new DashboardClient(port);
    assertThat(oidcLogin(client, "anything", subject, email, true).location())
        .endsWith("/dashboard");
    assertThat(client.get("/dashboard").body()).contains(email).contains("· operator");
    assertThat(
            jdbc.queryForObject(
                "select oidc_subject from dashboard_user where username = ?", String.class, email))
        .isEqualTo(subject);

    // linked: the subject alone gives the role, whatever the other claims say
    DashboardClient again = new DashboardClient(port);
    assertThat(oidcLogin(again, "someone-else", subject, null, null).location())
        .endsWith("/dashboard");
    assertThat(again.get("/dashboard").body()).contains(email).contains("· operator");

    // another account with the same verified email cannot take the link over
    refusedLogin("a second account with a linked user's verified email", "x", "other", email, true);
  }

  @Test
  void oidcUserWithADashboardAccountGetsItsRoleAndIsAuditedByName() throws Exception {
    String name = "oidc-op-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    users.create(name, "unused-password-1", Role.OPERATOR);
    DashboardClient client = new DashboardClient(port);
    assertThat(oidcLogin(client, "op", null, name, true).location()).endsWith("/dashboard");

    Api.Response r = as("orders").prepare("order.created", "payload", Map.of());
    jdbc.update("update message set status = 'IN_DOUBT' where id = ?", r.id());
    Page resolved = client.messageAction(r.id(), "resolve", Map.of("decision", "ROLLBACK"));
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
    String name = "oidc-gone-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    users.create(name, "unused-password-1", Role.ADMIN);
    users.update(name, Role.ADMIN, false);
    DashboardClient client = new DashboardClient(port);
    Page refused = oidcLogin(client, "gone", null, name, true);
    assertThat(refused.location()).endsWith("/dashboard/login?error");
    assertThat(client.get("/dashboard").status()).isEqualTo(302);
  }
}
