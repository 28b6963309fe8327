package io.rms.examples.support;

import java.sql.DriverManager;
import java.sql.SQLException;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * With {@code example.create-database=true}, creates the database of {@code spring.datasource.url}
 * on its server if it does not exist (the embedded PostgreSQL of the demo starts with only {@code
 * postgres}).
 */
public final class CreateDatabase
    implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {
  @Override
  public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
    Environment env = event.getEnvironment();
    if (!env.getProperty("example.create-database", Boolean.class, false)) {
      return;
    }
    String url = env.getRequiredProperty("spring.datasource.url");
    String name = url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
    String admin = url.substring(0, url.lastIndexOf('/') + 1) + "postgres";
    try (var c =
            DriverManager.getConnection(
                admin,
                env.getProperty("spring.datasource.username"),
                env.getProperty("spring.datasource.password", ""));
        var s = c.createStatement()) {
      var exists = s.executeQuery("select 1 from pg_database where datname = '" + name + "'");
      if (!exists.next() && name.matches("[a-z_][a-z0-9_]*")) {
        s.execute("create database " + name);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + " at " + admin, e);
    }
  }
}
