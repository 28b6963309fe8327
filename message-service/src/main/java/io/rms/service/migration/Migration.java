package io.rms.service.migration;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code rms.role=migrate}: a context of only the data source and Flyway, reading the same
 * configuration as the service ({@code application.yaml}, {@code SPRING_DATASOURCE_*}, {@code
 * SPRING_CONFIG_ADDITIONAL_LOCATION}), applies the pending migrations and exits. Run as a
 * deployment's pre-install/pre-upgrade Job with a database user that owns the schema, so the
 * service itself can run with {@code spring.flyway.enabled=false} and a user without DDL rights.
 *
 * <p>The role is read before any context exists, from {@code --rms.role=migrate}, the system
 * property {@code rms.role} or the environment variable {@code RMS_ROLE}.
 */
public final class Migration {
  private static final String ROLE = "migrate";

  private Migration() {}

  /** True when the command line, system property or environment asks for the migrate role. */
  public static boolean requested(String[] args, Map<String, String> env) {
    String fromArgs =
        Arrays.stream(args)
            .filter(a -> a.startsWith("--rms.role="))
            .reduce((first, last) -> last)
            .map(a -> a.substring("--rms.role=".length()))
            .orElse(null);
    String role =
        Stream.of(fromArgs, System.getProperty("rms.role"), env.get("RMS_ROLE"))
            .filter(r -> r != null && !r.isBlank())
            .findFirst()
            .orElse("");
    return role.trim().toLowerCase(Locale.ROOT).equals(ROLE);
  }

  /** Applies the migrations; 0 when the schema is up to date, 1 when that failed. */
  public static int run(String[] args) {
    SpringApplication app = new SpringApplication(MigrationContext.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    String[] withFlyway = Arrays.copyOf(args, args.length + 1);
    withFlyway[args.length] = "--spring.flyway.enabled=true";
    try (ConfigurableApplicationContext context = app.run(withFlyway)) {
      return SpringApplication.exit(context);
    } catch (RuntimeException e) {
      // Spring Boot has logged the failure (the migration that failed and why)
      return 1;
    }
  }

  /** Only the data source and Flyway: no web server, broker, scheduler or application beans. */
  @SpringBootConfiguration
  @ImportAutoConfiguration({DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class})
  static class MigrationContext {}
}
