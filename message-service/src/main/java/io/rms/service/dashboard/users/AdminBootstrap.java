package io.rms.service.dashboard.users;

import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The first admin: {@code rms.dashboard.admin.username}/{@code password} (a Kubernetes secret) are
 * applied at every start. In embedded mode without them and without any admin, an {@code admin}
 * with a random password is created and the password printed once, like the demo API keys.
 */
@Component
class AdminBootstrap implements InitializingBean {
  private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

  private final DashboardUsers users;
  private final String username;
  private final String password;
  private final boolean embedded;

  AdminBootstrap(
      DashboardUsers users,
      @Value("${rms.dashboard.admin.username:}") String username,
      @Value("${rms.dashboard.admin.password:}") String password,
      @Value("${rms.embedded.active:false}") boolean embedded) {
    this.users = users;
    this.username = username;
    this.password = password;
    this.embedded = embedded;
  }

  @Override
  public void afterPropertiesSet() {
    if (!username.isBlank() && !password.isBlank()) {
      users.upsertAdmin(username, password);
      log.info("dashboard admin '{}' from configuration", username);
      return;
    }
    if (users.hasActiveAdmin()) {
      return;
    }
    if (!embedded) {
      log.warn(
          "no dashboard admin: set rms.dashboard.admin.username and rms.dashboard.admin.password");
      return;
    }
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    users.upsertAdmin("admin", generated);
    // Printed, not logged, once: the throw-away admin of embedded mode (like the demo keys).
    System.out.printf(
        "%n  Dashboard (embedded mode): http://localhost:8080/dashboard  user 'admin'  password %s%n"
            + "  (set rms.dashboard.admin.username/password to choose them)%n%n",
        generated);
  }
}
