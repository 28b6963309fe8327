package io.rms.service.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.dashboard.users.DashboardUsers;
import io.rms.service.dashboard.users.Role;
import io.rms.service.testing.DashboardClient;
import io.rms.service.testing.DashboardClient.Page;
import io.rms.service.testing.IntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A session is written at login, not before: anonymous pages, the login page (with its CSRF token)
 * and failed logins write no session row. Sessions expire when idle, and a user holds at most
 * {@code rms.dashboard.login.max-sessions-per-user} (5) of them: a login beyond it ends the least
 * recently used one.
 */
class DashboardSessionCreationTest extends IntegrationTest {
  @Autowired DashboardUsers users;

  private long sessionsCreatedSince(long millis) {
    return jdbc.queryForObject(
        "select count(*) from spring_session where creation_time >= ?", Long.class, millis);
  }

  private List<String> sessionsOf(String username) {
    return jdbc.queryForList(
        "select session_id from spring_session where principal_name = ? order by creation_time",
        String.class,
        username);
  }

  @Test
  void anonymousRequestsWriteNoSessionAndTheLoginWritesOne() {
    DashboardUsersFixture.ensure(users, "no-early-session", Role.VIEWER);
    // no slack: a login of the test that ran just before in this context would count
    long start = System.currentTimeMillis();
    DashboardClient browser = new DashboardClient(port);
    for (int i = 0; i < 20; i++) {
      assertThat(new DashboardClient(port).get("/dashboard").status()).isEqualTo(302);
      assertThat(new DashboardClient(port).get("/dashboard/login").status()).isEqualTo(200);
      assertThat(new DashboardClient(port).htmx("/dashboard/overview/panel").status())
          .isEqualTo(401);
    }
    Page wrong = new DashboardClient(port).login("no-early-session", "wrong-password");
    assertThat(wrong.location()).endsWith("/dashboard/login?error");
    // the page that asked for the login is remembered without a session too
    assertThat(browser.get("/dashboard/messages").location()).endsWith("/dashboard/login");
    assertThat(sessionsCreatedSince(start)).isZero();

    // the login form's CSRF token works without a session; the login writes the one session
    Page login =
        browser.login("no-early-session", DashboardUsersFixture.password("no-early-session"));
    assertThat(login.status()).isEqualTo(302);
    assertThat(login.location()).endsWith("/dashboard/messages");
    assertThat(browser.get("/dashboard/messages").status()).isEqualTo(200);
    assertThat(sessionsCreatedSince(start)).isEqualTo(1);
    assertThat(sessionsOf("no-early-session")).hasSize(1);
  }

  @Test
  void aLoginBeyondFiveSessionsEndsTheLeastRecentlyUsedOne() {
    DashboardUsersFixture.ensure(users, "many-sessions", Role.VIEWER);
    users.expireSessions("many-sessions");
    List<DashboardClient> browsers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      browsers.add(
          DashboardClient.loggedIn(
              port, "many-sessions", DashboardUsersFixture.password("many-sessions")));
    }
    // the first browser is used again: the second is now the least recently used
    assertThat(browsers.get(0).get("/dashboard").status()).isEqualTo(200);
    assertThat(sessionsOf("many-sessions")).hasSize(5);

    DashboardClient sixth =
        DashboardClient.loggedIn(
            port, "many-sessions", DashboardUsersFixture.password("many-sessions"));
    assertThat(sessionsOf("many-sessions")).hasSize(5);
    assertThat(sixth.get("/dashboard").status()).isEqualTo(200);
    assertThat(browsers.get(0).get("/dashboard").status()).isEqualTo(200);
    Page ended = browsers.get(1).get("/dashboard");
    assertThat(ended.status()).isEqualTo(302);
    assertThat(ended.location()).endsWith("/dashboard/login");
    for (int i = 2; i < 5; i++) {
      assertThat(browsers.get(i).get("/dashboard").status()).isEqualTo(200);
    }
  }

  @Test
  void aSessionIdleLongerThanTheTimeoutEnds() {
    DashboardUsersFixture.ensure(users, "idle-session", Role.VIEWER);
    users.expireSessions("idle-session");
    DashboardClient browser =
        DashboardClient.loggedIn(
            port, "idle-session", DashboardUsersFixture.password("idle-session"));
    assertThat(browser.get("/dashboard").status()).isEqualTo(200);
    assertThat(
            jdbc.queryForObject(
                "select max_inactive_interval from spring_session where principal_name = ?",
                Integer.class,
                "idle-session"))
        .isEqualTo(30 * 60);
    // 29 idle minutes keep it, 31 end it (the database's timestamps are moved, not the time)
    jdbc.update(
        "update spring_session set last_access_time = last_access_time - ? where principal_name = ?",
        29 * 60_000L,
        "idle-session");
    assertThat(browser.get("/dashboard").status()).isEqualTo(200);
    jdbc.update(
        "update spring_session set last_access_time = last_access_time - ? where principal_name = ?",
        31 * 60_000L,
        "idle-session");
    Page ended = browser.get("/dashboard");
    assertThat(ended.status()).isEqualTo(302);
    assertThat(ended.location()).endsWith("/dashboard/login");
  }
}
