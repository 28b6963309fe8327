package io.rms.service.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rms.service.testing.Api;
import io.rms.service.testing.ServiceArgs;
import io.rms.service.testing.StartedService;
import io.rms.service.testing.TestInfra;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The migrate role against a fresh real database: it creates the whole schema and exits, a second
 * run changes nothing, and the service then starts with its own migrations off.
 */
class MigrationRoleTest {

  private static String[] args(String jdbcUrl, String... more) {
    String[] base = {
      "--rms.role=migrate",
      "--spring.datasource.url=" + jdbcUrl,
      "--spring.datasource.username=postgres",
      "--spring.datasource.password=",
      "--logging.level.root=WARN"
    };
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  private static JdbcTemplate jdbc(String url) {
    return new JdbcTemplate(new DriverManagerDataSource(url, "postgres", ""));
  }

  @Test
  void theMigrateRoleIsReadFromTheCommandLineOrTheEnvironment() {
    assertThat(Migration.requested(new String[] {"--rms.role=migrate"}, Map.of())).isTrue();
    assertThat(Migration.requested(new String[0], Map.of("RMS_ROLE", "MIGRATE"))).isTrue();
    assertThat(Migration.requested(new String[] {"--rms.role=api"}, Map.of("RMS_ROLE", "migrate")))
        .as("the command line wins")
        .isFalse();
    assertThat(Migration.requested(new String[0], Map.of("RMS_ROLE", "jobs"))).isFalse();
    assertThat(Migration.requested(new String[0], Map.of())).isFalse();
  }

  @Test
  void migrateCreatesTheSchemaInAFreshDatabaseAndASecondRunChangesNothing() {
    String url = TestInfra.get().newDatabase("migrate");

    assertThat(Migration.run(args(url))).isZero();

    JdbcTemplate db = jdbc(url);
    Integer applied =
        db.queryForObject(
            "select count(*) from flyway_schema_history where success and version is not null",
            Integer.class);
    assertThat(applied).isGreaterThanOrEqualTo(3);
    assertThat(
            db.queryForList(
                "select table_name from information_schema.tables where table_schema = 'public'",
                String.class))
        .contains("message", "delivery", "qrtz_locks");

    Integer rows = db.queryForObject("select count(*) from flyway_schema_history", Integer.class);
    assertThat(Migration.run(args(url))).isZero();
    assertThat(db.queryForObject("select count(*) from flyway_schema_history", Integer.class))
        .isEqualTo(rows);
  }

  @Test
  void anUnreachableDatabaseFailsWithExitCode1() {
    String url = TestInfra.get().jdbcUrl;
    String missing = url.substring(0, url.lastIndexOf('/') + 1) + "rms_no_such_database";
    assertThat(
            Migration.run(
                args(missing, "--spring.datasource.hikari.initialization-fail-timeout=1")))
        .isEqualTo(1);
  }

  @Test
  void theServiceStartsWithMigrationsOffOnlyOnAMigratedDatabase() {
    TestInfra infra = TestInfra.get();
    String empty = infra.newDatabase("nomigrate");
    assertThatThrownBy(() -> service(empty, infra).close())
        .as("migrations off really are off: an empty schema fails Hibernate's validation");

    String migrated = infra.newDatabase("migrated");
    assertThat(Migration.run(args(migrated))).isZero();
    try (StartedService service = service(migrated, infra)) {
      int port = service.port();
      assertThat(new Api(port, "orders-key").get("/api/v1/stats").status()).isEqualTo(200);
    }
  }

  private static StartedService service(String jdbcUrl, TestInfra infra) {
    String prefix = infra.queuePrefix + "migrated.";
    infra.deleteAtExit(prefix + "cart.order-created");
    return StartedService.run(
        ServiceArgs.on(infra)
            .database(jdbcUrl)
            .queuePrefix(prefix)
            .with(
                "--spring.flyway.enabled=false",
                "--rms.apps[0].id=orders",
                "--rms.apps[0].api-keys[0]=orders-key",
                "--rms.apps[1].id=cart",
                "--rms.apps[1].api-keys[0]=cart-key",
                "--rms.subscriptions[0].name=cart.order-created",
                "--rms.subscriptions[0].topic=order.created",
                "--rms.subscriptions[0].app=cart",
                "--logging.level.root=WARN"));
  }
}
