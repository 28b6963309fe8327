package io.rms.examples.cart;

import java.sql.DriverManager;
import java.sql.SQLException;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/** The cart service; its configuration is {@code cart-service.yaml}. */
@SpringBootApplication
public class CartServiceApplication {

  public static void main(String[] args) {
    application().run(args);
  }

  /** The application with its config name and the demo database bootstrap. */
  public static SpringApplication application() {
    SpringApplication app = new SpringApplication(CartServiceApplication.class);
    app.setDefaultProperties(java.util.Map.of("spring.config.name", "cart-service"));
    app.addListeners(new CreateDatabase());
    return app;
  }

  /**
   * With {@code example.create-database=true}, creates the database of {@code
   * spring.datasource.url} on its server if it does not exist (the embedded PostgreSQL of the demo
   * starts with only {@code postgres}).
   */
  static final class CreateDatabase
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
}
