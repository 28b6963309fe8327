package io.rms.service.dashboard.users;

import io.rms.service.config.RmsProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * with a random password is created and the password printed once (and written to {@code
 * <data-dir>/dashboard-admin.env}), like the demo API keys.
 */
@Component
class AdminBootstrap implements InitializingBean {
  private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

  private final DashboardUsers users;
  private final String username;
  private final String password;
  private final boolean embedded;
  private final RmsProperties properties;
  private final String port;

  AdminBootstrap(
      DashboardUsers users,
      @Value("${rms.dashboard.admin.username:}") String username,
      @Value("${rms.dashboard.admin.password:}") String password,
      @Value("${rms.embedded.active:false}") boolean embedded,
      @Value("${server.port:8080}") String port,
      RmsProperties properties) {
    this.users = users;
    this.username = username;
    this.password = password;
    this.embedded = embedded;
    this.port = port;
    this.properties = properties;
  }

  @Override
  public void afterPropertiesSet() throws IOException {
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
    Path file =
        Path.of(properties.embedded().dataDir()).toAbsolutePath().resolve("dashboard-admin.env");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "DASHBOARD_USER=admin\nDASHBOARD_PASSWORD=" + generated + "\n");
    // Printed, not logged, once: the throw-away admin of embedded mode (like the demo keys).
    System.out.printf(
        "%n  Dashboard (embedded mode): http://localhost:%s/dashboard  user 'admin'  password %s%n"
            + "  (also in %s; set rms.dashboard.admin.username/password to choose them)%n%n",
        port, generated, file);
  }
}
