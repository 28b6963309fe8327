package io.rms.service.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rms.service.testing.StartedService;
import io.rms.service.testing.TestInfra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A deployment that configures the real database or the real broker but not the other refuses to
 * start, naming the missing setting, before it starts an embedded engine, writes demo apps or
 * creates an admin; {@code rms.embedded.enabled=true} still runs the missing engine embedded for
 * development, and {@code rms.embedded.enabled=false} forbids the zero-configuration start.
 */
class HalfConfiguredStartRefusalTest {
  private final TestInfra infra = TestInfra.get();

  @Test
  void aDatabaseWithoutABrokerIsRefusedBeforeAnythingIsWrittenIntoIt() throws Exception {
    String url = infra.newDatabase("half_db");
    Path dataDir = Files.createTempDirectory("rms-half-");

    assertThatThrownBy(
            () ->
                StartedService.run(
                    database(
                        url, "--rms.embedded.data-dir=" + dataDir, "--rms.embedded.amqp-port=0")))
        .hasStackTraceContaining("spring.datasource.url is set but spring.rabbitmq.host")
        .hasStackTraceContaining("rms.embedded.enabled=true");

    assertThat(tables(url)).as("no schema, no demo apps, no admin").isEmpty();
    assertThat(dataDir.resolve("broker")).as("no embedded broker").doesNotExist();
    assertThat(dataDir.resolve("demo-keys.env")).doesNotExist();
    assertThat(dataDir.resolve("dashboard-admin.env")).doesNotExist();
  }

  @Test
  void aBrokerWithoutADatabaseIsRefusedWithoutStartingEmbeddedPostgres() throws Exception {
    Path dataDir = Files.createTempDirectory("rms-half-");

    assertThatThrownBy(
            () ->
                StartedService.run(
                    "--spring.rabbitmq.host=" + infra.amqpHost,
                    "--spring.rabbitmq.port=" + infra.amqpPort,
                    "--rms.embedded.data-dir=" + dataDir,
                    "--rms.embedded.postgres-port=0",
                    "--logging.level.root=WARN"))
        .hasStackTraceContaining("spring.rabbitmq.host is set but spring.datasource.url is not");

    assertThat(dataDir.resolve("postgres")).as("no embedded PostgreSQL").doesNotExist();
  }

  @Test
  void embeddedDisabledRefusesTheZeroConfigurationStart() throws Exception {
    Path dataDir = Files.createTempDirectory("rms-half-");

    assertThatThrownBy(
            () ->
                StartedService.run(
                    "--rms.embedded.enabled=false",
                    "--rms.embedded.data-dir=" + dataDir,
                    "--logging.level.root=WARN"))
        .hasStackTraceContaining(
            "spring.datasource.url and spring.rabbitmq.host (or spring.rabbitmq.addresses) are not"
                + " set")
        .hasStackTraceContaining("rms.embedded.enabled=false forbids the embedded engines");

    assertThat(dataDir.resolve("postgres")).doesNotExist();
    assertThat(dataDir.resolve("broker")).doesNotExist();
  }

  @Test
  void embeddedEnabledStillRunsTheMissingBrokerEmbeddedForDevelopment() throws Exception {
    String url = infra.newDatabase("half_forced");
    Path dataDir = Files.createTempDirectory("rms-half-");

    try (StartedService service =
        StartedService.run(
            database(
                url,
                "--rms.embedded.enabled=true",
                "--rms.embedded.data-dir=" + dataDir,
                "--rms.embedded.amqp-port=0"))) {
      var env = service.context().getEnvironment();
      assertThat(env.getProperty("spring.datasource.url")).isEqualTo(url);
      assertThat(env.getProperty("spring.rabbitmq.port", Integer.class))
          .isNotEqualTo(infra.amqpPort);
      assertThat(dataDir.resolve("broker")).exists();
    }
    assertThat(
            new JdbcTemplate(new DriverManagerDataSource(url, "postgres", ""))
                .queryForList("select id from app order by id", String.class))
        .containsExactly("cart", "orders");
  }

  private static String[] database(String url, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--spring.datasource.url=" + url,
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=",
                "--logging.level.root=WARN"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private static List<String> tables(String url) {
    return new JdbcTemplate(new DriverManagerDataSource(url, "postgres", ""))
        .queryForList(
            "select table_name from information_schema.tables where table_schema = 'public'",
            String.class);
  }
}
