package io.rms.service.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.RmsApplication;
import io.rms.service.dashboard.users.DashboardUsers;
import io.rms.service.dashboard.users.Role;
import io.rms.service.testing.FakeOidcProvider;
import io.rms.service.testing.IngressIntegrationTest;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.ProxiedClient;
import io.rms.service.testing.Refusals;
import io.rms.service.testing.TestInfra;
import io.rms.testsupport.SettableClock;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starting an OIDC login writes no session: the authorization request (state, nonce, PKCE verifier)
 * waits for the provider's callback in a cookie sealed with the replicas' shared HMAC key, and the
 * callback removes it. A cookie that is not the one the service made for this callback's state, or
 * that is older than 10 minutes, ends on the login page with an error, not in a session. A login
 * started on one instance of the service finishes on another.
 */
class DashboardOidcStartTest extends IngressIntegrationTest {
  private static final String START = "/dashboard/oauth2/authorization/fake";
  private static final String COOKIE = "RMS_OIDC_REQUEST";
  private static final String REFUSED = "OIDC callbacks with a forged, foreign or expired request";
  private static final Refusals refusals = new Refusals();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @Autowired DashboardUsers users;
  @Autowired SettableClock clock;

  private static ConfigurableApplicationContext second;

  @AfterAll
  static void tally() {
    if (second != null) {
      second.close();
    }
    refusals.report();
  }

  /** A second instance of the service on the same database and broker, on its own port. */
  private static int secondInstance() {
    Map<String, Object> properties = new LinkedHashMap<>();
    IntegrationTest.register((name, value) -> properties.put(name, value.get()), TestInfra.get());
    properties.put("server.port", 0);
    properties.put("spring.quartz.auto-startup", false);
    second =
        new SpringApplicationBuilder(RmsApplication.class)
            .profiles("itest")
            .properties(properties)
            .run();
    return ((WebServerApplicationContext) second).getWebServer().getPort();
  }

  /** A status, the redirect target and the Set-Cookie headers. */
  private record Answer(int status, String location, List<String> setCookies) {
    /** The value the answer sets for {@code name} (empty: removes it), or null. */
    String cookie(String name) {
      return setCookies.stream()
          .filter(c -> c.startsWith(name + "="))
          .map(c -> c.substring(name.length() + 1).split(";", 2)[0])
          .findFirst()
          .orElse(null);
    }

    String setCookie(String name) {
      return setCookies.stream().filter(c -> c.startsWith(name + "=")).findFirst().orElse(null);
    }
  }

  /** A started login: the sealed request's cookie and the provider's redirect back. */
  private record Started(String cookie, String callback) {
    String state() {
      return URLDecoder.decode(
          URI.create(callback).getRawQuery().replaceAll(".*state=([^&]+).*", "$1"),
          StandardCharsets.UTF_8);
    }
  }

  private Answer get(String url, String cookies) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
    if (cookies != null) {
      request.header("Cookie", cookies);
    }
    try {
      HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(
          r.statusCode(),
          r.headers().firstValue("Location").orElse(""),
          r.headers().allValues("Set-Cookie"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private String local(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  /**
   * The browser's part up to the callback: the start, then the provider (which logs in at once).
   */
  private Started start(String subject, String email) {
    FakeOidcProvider.nextLogin("anything", subject, email, true);
    Answer start = get(local(START), null);
    assertThat(start.status()).isEqualTo(302);
    assertThat(start.location()).startsWith(FakeOidcProvider.get().url() + "/authorize?");
    Answer provider = get(start.location(), null);
    assertThat(provider.status()).isEqualTo(302);
    URI back = URI.create(provider.location());
    assertThat(back.getPath()).isEqualTo("/dashboard/login/oauth2/code/fake");
    return new Started(start.cookie(COOKIE), back.getRawPath() + "?" + back.getRawQuery());
  }

  private Answer callback(Started started, String cookie) {
    return get(local(started.callback()), cookie == null ? null : COOKIE + "=" + cookie);
  }

  @Test
  void aLoginStartedOnOneInstanceFinishesOnAnother() {
    String email = linkedOperator();
    Started started = start("sub-" + UUID.randomUUID(), email);
    int other = secondInstance();
    String back = "http://127.0.0.1:" + other + started.callback();
    Answer login = get(back, COOKIE + "=" + started.cookie());
    assertThat(login.location()).endsWith("/dashboard");
    Answer overview =
        get("http://127.0.0.1:" + other + "/dashboard", "SESSION=" + login.cookie("SESSION"));
    assertThat(overview.status()).isEqualTo(200);
    assertThat(
            jdbc.queryForObject(
                "select count(*) from login_key where name = 'oidc-authorization-request'",
                Long.class))
        .isEqualTo(1);
  }

  private long sessionsCreatedSince(long millis) {
    return jdbc.queryForObject(
        "select count(*) from spring_session where creation_time >= ?", Long.class, millis);
  }

  private String linkedOperator() {
    String email = "start-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    users.create(email, "unused-password-1", Role.OPERATOR);
    return email;
  }

  @Test
  void startingOidcLoginsWritesNoSessionAndTheLoginWritesOne() {
    long since = System.currentTimeMillis();
    for (int i = 0; i < 20; i++) {
      Answer start = get(local(START), null);
      assertThat(start.status()).isEqualTo(302);
      assertThat(start.setCookie(COOKIE))
          .contains("HttpOnly")
          .contains("SameSite=Lax")
          .contains("Max-Age=600")
          .contains("Path=/dashboard/login/oauth2/code")
          .doesNotContain("Secure");
      assertThat(start.setCookies()).noneMatch(c -> c.startsWith("SESSION="));
    }
    assertThat(sessionsCreatedSince(since)).isZero();

    String email = linkedOperator();
    Started started = start("sub-" + UUID.randomUUID(), email);
    Answer login = callback(started, started.cookie());
    assertThat(login.status()).isEqualTo(302);
    assertThat(login.location()).endsWith("/dashboard");
    assertThat(login.setCookie(COOKIE)).contains("Max-Age=0");
    assertThat(sessionsCreatedSince(since)).isEqualTo(1);
    assertThat(
            jdbc.queryForObject(
                "select count(*) from spring_session where principal_name = ?", Long.class, email))
        .isEqualTo(1);
    String session = login.cookie("SESSION");
    assertThat(get(local("/dashboard"), "SESSION=" + session).status()).isEqualTo(200);
  }

  @Test
  void aForgedForeignOrExpiredRequestCookieEndsOnTheLoginPageWithoutASession() {
    String email = linkedOperator();
    String subject = "sub-" + UUID.randomUUID();
    Started mine = start(subject, email);
    Started other = start(subject, email);
    String[] parts = other.cookie().split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
    assertThat(payload).contains("\"state\":\"" + other.state() + "\"");
    String stateChanged =
        Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    payload.replace(other.state(), mine.state()).getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[1];
    String badMac = parts[0] + "." + changed(parts[1], 10);
    String respelledMac = parts[0] + "." + changed(parts[1], parts[1].length() - 1);

    refused("another start's cookie (sealed for another state)", mine, other.cookie());
    refused("the state in the payload changed to this callback's, MAC kept", other, stateChanged);
    refused("a changed MAC", other, badMac);
    refused(
        "the MAC's last character changed (the same bytes to a lenient decoder)",
        other,
        respelledMac);
    refused("a cookie without a MAC", other, parts[0]);
    refused("no cookie", other, null);
    // the refusals used neither code: the genuine cookie still logs in
    Answer login = callback(other, other.cookie());
    assertThat(login.location()).endsWith("/dashboard");

    Started late = start(subject, email);
    clock.advance(Duration.ofMinutes(10).plusSeconds(1));
    refused("the genuine cookie 10 minutes and 1 second after the start", late, late.cookie());
  }

  /** {@code text} with its character at {@code index} changed (A and B differ in the low bits). */
  private static String changed(String text, int index) {
    char c = text.charAt(index) == 'A' ? 'B' : 'A';
    return text.substring(0, index) + c + text.substring(index + 1);
  }

  private void refused(String what, Started started, String cookie) {
    refusals.attempt(
        REFUSED,
        what,
        () -> jdbc.queryForList("select session_id, principal_name from spring_session"),
        () -> {
          Answer answer = callback(started, cookie);
          assertThat(answer.status()).isEqualTo(302);
          assertThat(answer.location()).endsWith("/dashboard/login?error");
          assertThat(answer.setCookies()).noneMatch(c -> c.startsWith("SESSION="));
          if (cookie != null) {
            assertThat(answer.setCookie(COOKIE)).contains("Max-Age=0");
          }
        });
  }

  @Test
  void throughTheTrustedIngressTheRequestCookieIsSecure() {
    Map<String, String> https =
        Map.of(
            "X-Forwarded-For", "198.51.100.7",
            "X-Forwarded-Proto", "https",
            "X-Forwarded-Host", "rms.example.com");
    ProxiedClient.Answer start = new ProxiedClient(INGRESS, port, https).get(START);
    assertThat(start.status()).isEqualTo(302);
    assertThat(start.setCookie(COOKIE)).contains("Secure").contains("HttpOnly");
    assertThat(new ProxiedClient(ELSEWHERE, port, https).get(START).setCookie(COOKIE))
        .doesNotContain("Secure");
  }
}
