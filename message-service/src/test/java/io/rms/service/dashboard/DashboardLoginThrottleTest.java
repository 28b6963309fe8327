package io.rms.service.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.dashboard.users.DashboardUsers;
import io.rms.service.dashboard.users.Role;
import io.rms.service.testing.IngressIntegrationTest;
import io.rms.service.testing.ProxiedClient;
import io.rms.service.testing.ProxiedClient.Answer;
import io.rms.service.testing.Refusals;
import io.rms.testsupport.SettableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Failed dashboard logins lock the user name and the client address for a delay that grows; a
 * locked login is answered 429 with the login page and is not checked, even with the right
 * password; every failure is audited with the name and the client address, never the password. The
 * client address is the forwarded one from the trusted ingress only. Time is moved, not waited.
 */
class DashboardLoginThrottleTest extends IngressIntegrationTest {
  static final String LOCKED = "dashboard logins while the user or the client is locked";
  private static final Refusals refusals = new Refusals();

  @Autowired DashboardUsers users;
  @Autowired SettableClock clock;

  @AfterAll
  static void tally() {
    refusals.report();
  }

  /** A browser behind the ingress at the client address {@code client}. */
  private ProxiedClient from(String client) {
    return new ProxiedClient(INGRESS, port, Map.of("X-Forwarded-For", client));
  }

  private static boolean loggedIn(Answer login) {
    return login.status() == 302 && login.header("location").endsWith("/dashboard");
  }

  private void refused(String what, ProxiedClient client, String user, String password, int wait) {
    refusals.attempt(
        LOCKED,
        what,
        () -> jdbc.queryForList("select username, role, active from dashboard_user order by 1"),
        () -> {
          Answer answer = client.login(user, password);
          assertThat(answer.status()).isEqualTo(429);
          assertThat(answer.header("retry-after")).isEqualTo(String.valueOf(wait));
          assertThat(answer.body())
              .contains("Too many failed logins. Try again in " + wait + " s.")
              .contains("name=\"_csrf\"");
          assertThat(client.get("/dashboard").status()).isEqualTo(302);
        });
  }

  private List<Map<String, Object>> failures(String username) {
    return jdbc.queryForList(
        "select actor, detail->>'client' as client, detail::text as detail from message_event"
            + " where type = 'LOGIN_FAILED' and actor = ? order by id",
        "user:" + username);
  }

  @Test
  void wrongPasswordsLockTheUserAndTheLockGrowsUntilItPasses() {
    DashboardUsersFixture.ensure(users, "locked-user", Role.OPERATOR);
    String right = DashboardUsersFixture.password("locked-user");
    ProxiedClient browser = from("203.0.113.10");
    for (int i = 0; i < 3; i++) {
      Answer wrong = browser.login("locked-user", "wrong-password-" + i);
      assertThat(wrong.status()).isEqualTo(302);
      assertThat(wrong.header("location")).endsWith("/dashboard/login?error");
    }
    refused("the right password right after 3 wrong ones", browser, "locked-user", right, 30);
    refused("from another client address", from("203.0.113.11"), "locked-user", right, 30);
    clock.advance(Duration.ofSeconds(29));
    refused("a second before the lock ends", browser, "locked-user", right, 1);

    // the lock ends; one more wrong password locks it again, for twice as long
    clock.advance(Duration.ofSeconds(1));
    assertThat(browser.login("locked-user", "wrong-password-3").status()).isEqualTo(302);
    refused("the right password after a 4th wrong one", browser, "locked-user", right, 60);
    clock.advance(Duration.ofSeconds(60));
    assertThat(loggedIn(browser.login("locked-user", right))).isTrue();
    assertThat(browser.get("/dashboard").status()).isEqualTo(200);

    // audited with the name and the forwarded client address, without the password
    List<Map<String, Object>> audited = failures("locked-user");
    assertThat(audited).hasSize(4);
    assertThat(audited).allSatisfy(e -> assertThat(e.get("client")).isEqualTo("203.0.113.10"));
    assertThat(audited.toString()).doesNotContain("wrong-password").doesNotContain(right);
  }

  @Test
  void aClientAddressFailingForManyNamesIsLockedForAllOfThem() {
    for (String name : List.of("client-a", "client-b", "client-c")) {
      DashboardUsersFixture.ensure(users, name, Role.VIEWER);
    }
    ProxiedClient spraying = from("203.0.113.20");
    for (int i = 0; i < 5; i++) {
      assertThat(spraying.login("client-" + "abc".charAt(i % 3), "wrong-" + i).status())
          .isEqualTo(302);
    }
    refused(
        "a right password from the address after 5 failures for 3 names",
        spraying,
        "client-a",
        DashboardUsersFixture.password("client-a"),
        30);
    // another address behind the same ingress is not locked
    assertThat(
            loggedIn(
                from("203.0.113.21").login("client-b", DashboardUsersFixture.password("client-b"))))
        .isTrue();
    clock.advance(Duration.ofSeconds(30));
    assertThat(loggedIn(spraying.login("client-c", DashboardUsersFixture.password("client-c"))))
        .isTrue();
  }

  @Test
  void aForwardedAddressFromAnUntrustedPeerIsIgnored() {
    DashboardUsersFixture.ensure(users, "spoofed", Role.VIEWER);
    // a peer that is not the ingress claims to forward for 203.0.113.30: it is counted as itself
    ProxiedClient spoofing =
        new ProxiedClient(ELSEWHERE, port, Map.of("X-Forwarded-For", "203.0.113.30"));
    assertThat(spoofing.login("nobody-" + System.nanoTime(), "wrong").status()).isEqualTo(302);
    List<Map<String, Object>> audited =
        jdbc.queryForList(
            "select detail->>'client' as client from message_event"
                + " where type = 'LOGIN_FAILED' and actor like 'user:nobody-%'");
    assertThat(audited).extracting(e -> e.get("client")).containsOnly(ELSEWHERE);
  }
}
