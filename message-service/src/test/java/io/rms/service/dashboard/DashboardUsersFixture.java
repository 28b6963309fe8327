package io.rms.service.dashboard;

import io.rms.service.dashboard.users.DashboardUsers;
import io.rms.service.dashboard.users.Role;

/**
 * The dashboard users of the tests besides the configured admin (password = name + "-password").
 */
public final class DashboardUsersFixture {
  public static final String ADMIN = "admin";
  public static final String ADMIN_PASSWORD = "admin-password-1";

  private DashboardUsersFixture() {}

  public static String password(String username) {
    return username + "-password";
  }

  /** Creates the user with the role unless it exists (test classes share one database). */
  public static void ensure(DashboardUsers users, String username, Role role) {
    if (users.find(username).isEmpty()) {
      users.create(username, password(username), role);
    } else {
      users.update(username, role, true);
    }
  }
}
