package io.rms.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.api.Decision;
import io.rms.producer.autoconfigure.ProducerAutoConfiguration;
import io.rms.producer.internal.CheckBackController;
import io.rms.producer.internal.PreparedLog;
import io.rms.producer.internal.PreparedLogCleaner;
import io.rms.producer.internal.PreparedLogResolver;
import io.rms.producer.internal.TransactionalMessenger;
import io.rms.producer.testing.RecordingMessenger;
import io.rms.sdk.client.ResilientRmsClient;
import io.rms.sdk.client.autoconfigure.RmsClientAutoConfiguration;
import io.rms.service.testing.TestInfra;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

/** What the producer starter puts into an application context, and when. */
class ProducerAutoConfigurationTest {
  private static String url;

  @BeforeAll
  static void database() {
    url = TestInfra.get().newDatabase("producer_autoconf");
  }

  private static final AutoConfigurations CONFIGS =
      AutoConfigurations.of(
          DataSourceAutoConfiguration.class,
          RmsClientAutoConfiguration.class,
          ProducerAutoConfiguration.class);

  private WebApplicationContextRunner web() {
    return new WebApplicationContextRunner()
        .withConfiguration(CONFIGS)
        .withPropertyValues(
            "spring.datasource.url=" + url,
            "spring.datasource.username=postgres",
            "spring.datasource.password=");
  }

  private static final String[] CONFIGURED = {
    "rms.client.base-url=http://127.0.0.1:1",
    "rms.client.api-key=k",
    "rms.producer.check-back.secret=s"
  };

  @Test
  void withoutBaseUrlNothingIsConfigured() {
    web()
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(ReliableMessenger.class);
              assertThat(context).doesNotHaveBean(ResilientRmsClient.class);
              assertThat(context).doesNotHaveBean(CheckBackController.class);
            });
  }

  @Test
  void threePropertiesGiveMessengerEndpointCleanerAndTheLogTable() {
    web()
        .withPropertyValues(CONFIGURED)
        .run(
            context -> {
              assertThat(context).hasSingleBean(ReliableMessenger.class);
              assertThat(context.getBean(ReliableMessenger.class))
                  .isInstanceOf(TransactionalMessenger.class);
              assertThat(context).hasSingleBean(CheckBackController.class);
              assertThat(context).hasSingleBean(PreparedLogResolver.class);
              assertThat(context).hasSingleBean(PreparedLogCleaner.class);
              JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
              assertThat(
                      jdbc.queryForObject(
                          "select count(*) from information_schema.columns"
                              + " where table_name = 'rms_producer_log'",
                          Integer.class))
                  .isEqualTo(4);
            });
  }

  private static int logTables(AssertableWebApplicationContext context) {
    return new JdbcTemplate(context.getBean(javax.sql.DataSource.class))
        .queryForObject(
            "select count(*) from information_schema.tables where table_name = 'rms_producer_log'",
            Integer.class);
  }

  @Test
  void anApplicationResolverReplacesTheLogAltogether() {
    CheckBackResolver own = request -> Decision.UNKNOWN;
    web()
        .withPropertyValues(CONFIGURED)
        .withPropertyValues("spring.datasource.url=" + TestInfra.get().newDatabase("producer_own"))
        .withBean(CheckBackResolver.class, () -> own)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(PreparedLogResolver.class);
              assertThat(context.getBean(CheckBackResolver.class)).isSameAs(own);
              assertThat(context).doesNotHaveBean(PreparedLog.class);
              assertThat(context).doesNotHaveBean(PreparedLogCleaner.class);
              assertThat(context).hasSingleBean(CheckBackController.class);
              assertThat(logTables(context)).as("no table created").isZero();
            });
  }

  @Test
  void preparedLogOnKeepsTheLogBesideAnApplicationResolver() {
    CheckBackResolver own = request -> Decision.UNKNOWN;
    web()
        .withPropertyValues(CONFIGURED)
        .withPropertyValues(
            "spring.datasource.url=" + TestInfra.get().newDatabase("producer_own_on"),
            "rms.producer.prepared-log=on")
        .withBean(CheckBackResolver.class, () -> own)
        .run(
            context -> {
              assertThat(context).hasSingleBean(PreparedLog.class);
              assertThat(context).hasSingleBean(PreparedLogCleaner.class);
              assertThat(context).doesNotHaveBean(PreparedLogResolver.class);
              assertThat(context.getBean(CheckBackResolver.class)).isSameAs(own);
              assertThat(logTables(context)).isEqualTo(1);
            });
  }

  @Test
  void yamlOnMeansOn() {
    // YAML 1.1 reads an unquoted on as true; the mode still binds as ON
    web()
        .withPropertyValues(CONFIGURED)
        .withPropertyValues("rms.producer.prepared-log=true")
        .withBean(CheckBackResolver.class, () -> request -> Decision.UNKNOWN)
        .run(context -> assertThat(context).hasSingleBean(PreparedLog.class));
  }

  @Test
  void preparedLogOffWithAnApplicationResolverKeepsNoLog() {
    web()
        .withPropertyValues(CONFIGURED)
        .withPropertyValues("rms.producer.prepared-log=off")
        .withBean(CheckBackResolver.class, () -> request -> Decision.UNKNOWN)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(PreparedLog.class);
              assertThat(context).doesNotHaveBean(PreparedLogCleaner.class);
            });
  }

  @Test
  void preparedLogOffWithoutAResolverFailsToStart() {
    web()
        .withPropertyValues(CONFIGURED)
        .withPropertyValues("rms.producer.prepared-log=off")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .hasMessageContaining("rms.producer.prepared-log=off needs a CheckBackResolver")
                  .hasMessageContaining("could never answer COMMIT");
            });
  }

  @Test
  void preparedLogOffWithoutAResolverFailsToStartWithoutTheEndpointToo() {
    new ApplicationContextRunner()
        .withConfiguration(CONFIGS)
        .withPropertyValues(
            "spring.datasource.url=" + url,
            "spring.datasource.username=postgres",
            "rms.client.base-url=http://127.0.0.1:1",
            "rms.client.api-key=k",
            "rms.producer.prepared-log=false")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining("could never answer COMMIT"));
  }

  @Test
  void anApplicationMessengerReplacesTheSdkOne() {
    web()
        .withPropertyValues(CONFIGURED)
        .withBean(ReliableMessenger.class, RecordingMessenger::new)
        .run(
            context ->
                assertThat(context.getBean(ReliableMessenger.class))
                    .isInstanceOf(RecordingMessenger.class));
  }

  @Test
  void webApplicationWithoutCheckBackSecretFailsToStart() {
    web()
        .withPropertyValues("rms.client.base-url=http://127.0.0.1:1", "rms.client.api-key=k")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .hasMessageContaining("rms.producer.check-back.secret");
            });
  }

  @Test
  void endpointCanBeDisabledAndNeedsNoSecretThen() {
    web()
        .withPropertyValues(
            "rms.client.base-url=http://127.0.0.1:1",
            "rms.client.api-key=k",
            "rms.producer.check-back.enabled=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(ReliableMessenger.class);
              assertThat(context).doesNotHaveBean(CheckBackController.class);
            });
  }

  @Test
  void nonWebApplicationGetsTheMessengerButNoEndpoint() {
    new ApplicationContextRunner()
        .withConfiguration(CONFIGS)
        .withPropertyValues(
            "spring.datasource.url=" + url,
            "spring.datasource.username=postgres",
            "rms.client.base-url=http://127.0.0.1:1",
            "rms.client.api-key=k")
        .run(
            context -> {
              assertThat(context).hasSingleBean(ReliableMessenger.class);
              assertThat(context).doesNotHaveBean(CheckBackController.class);
            });
  }

  @Test
  void schemaCreationCanBeSwitchedOff() {
    String empty = TestInfra.get().newDatabase("producer_noschema");
    web()
        .withPropertyValues(CONFIGURED)
        .withPropertyValues(
            "spring.datasource.url=" + empty, "rms.producer.initialize-schema=false")
        .run(
            context -> {
              JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
              assertThat(
                      jdbc.queryForObject(
                          "select count(*) from information_schema.tables"
                              + " where table_name = 'rms_producer_log'",
                          Integer.class))
                  .isZero();
            });
  }
}
