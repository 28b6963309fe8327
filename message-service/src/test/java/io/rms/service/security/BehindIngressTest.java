package io.rms.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.dashboard.DashboardUsersFixture;
import io.rms.service.testing.IngressIntegrationTest;
import io.rms.service.testing.ProxiedClient;
import io.rms.service.testing.ProxiedClient.Answer;
import io.rms.service.testing.Refusals;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Behind an ingress that terminates TLS: with the forwarded headers of the trusted ingress, the
 * session and CSRF cookies are {@code Secure}, HSTS is sent and OIDC redirect URIs are https on the
 * public host; the same headers from any other peer are ignored.
 */
class BehindIngressTest extends IngressIntegrationTest {
  static final String UNTRUSTED = "forwarded headers from peers other than the trusted ingress";
  private static final Refusals refusals = new Refusals();

  private static final Map<String, String> HTTPS =
      Map.of(
          "X-Forwarded-For", "198.51.100.7",
          "X-Forwarded-Proto", "https",
          "X-Forwarded-Host", "rms.example.com");

  @AfterAll
  static void tally() {
    refusals.report();
  }

  private static String redirectUri(Answer authorization) {
    String location = URLDecoder.decode(authorization.header("location"), StandardCharsets.UTF_8);
    return location.replaceAll(".*[?&]redirect_uri=([^&]+).*", "$1");
  }

  @Test
  void throughTheIngressCookiesAreSecureHstsIsSentAndOidcRedirectsAreHttps() {
    ProxiedClient browser = new ProxiedClient(INGRESS, port, HTTPS);
    Answer loginPage = browser.get("/dashboard/login");
    assertThat(loginPage.header("strict-transport-security")).contains("max-age=");
    assertThat(loginPage.setCookie("XSRF-TOKEN")).contains("Secure").contains("HttpOnly");

    Answer login = browser.login(DashboardUsersFixture.ADMIN, DashboardUsersFixture.ADMIN_PASSWORD);
    assertThat(login.status()).isEqualTo(302);
    assertThat(login.setCookie("SESSION")).contains("Secure").contains("HttpOnly");
    Answer overview = browser.get("/dashboard");
    assertThat(overview.status()).isEqualTo(200);
    assertThat(overview.header("strict-transport-security")).contains("max-age=");

    Answer oidc =
        new ProxiedClient(INGRESS, port, HTTPS).get("/dashboard/oauth2/authorization/fake");
    assertThat(oidc.status()).isEqualTo(302);
    assertThat(redirectUri(oidc))
        .isEqualTo("https://rms.example.com/dashboard/login/oauth2/code/fake");
  }

  @Test
  void theSameHeadersFromAnotherPeerAreIgnored() {
    refusals.attempt(
        UNTRUSTED,
        "X-Forwarded-Proto https on the login page: no HSTS, no Secure cookie",
        () -> {
          Answer page = new ProxiedClient(ELSEWHERE, port, HTTPS).get("/dashboard/login");
          assertThat(page.status()).isEqualTo(200);
          assertThat(page.header("strict-transport-security")).isNull();
          assertThat(page.headers().getOrDefault("set-cookie", List.of()))
              .noneMatch(cookie -> cookie.contains("Secure"));
        });
    refusals.attempt(
        UNTRUSTED,
        "X-Forwarded-Proto and -Host on the OIDC start: the redirect URI names the real peer",
        () -> {
          Answer oidc =
              new ProxiedClient(ELSEWHERE, port, HTTPS).get("/dashboard/oauth2/authorization/fake");
          assertThat(redirectUri(oidc))
              .isEqualTo("http://127.0.0.1:" + port + "/dashboard/login/oauth2/code/fake");
        });
  }
}
