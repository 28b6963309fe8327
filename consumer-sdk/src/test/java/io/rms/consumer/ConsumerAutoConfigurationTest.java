package io.rms.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.consumer.autoconfigure.ConsumerAutoConfiguration;
import io.rms.consumer.internal.Inbox;
import io.rms.consumer.internal.ListenerContainers;
import io.rms.consumer.internal.ListenerRegistrar;
import io.rms.sdk.client.autoconfigure.RmsClientAutoConfiguration;
import io.rms.service.testing.TestInfra;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

/** What the consumer starter puts into an application context, and when. */
class ConsumerAutoConfigurationTest {

  /** A bean with one listener method. */
  static class Listener {
    @ReliableMessageListener(subscription = "autoconf.test", concurrency = 2)
    void on(String payload) {}
  }

  private ApplicationContextRunner runner(String db) {
    TestInfra infra = TestInfra.get();
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                DataSourceAutoConfiguration.class,
                DataSourceTransactionManagerAutoConfiguration.class,
                RabbitAutoConfiguration.class,
                RmsClientAutoConfiguration.class,
                ConsumerAutoConfiguration.class))
        .withPropertyValues(
            "spring.datasource.url=" + db,
            "spring.datasource.username=postgres",
            "spring.datasource.password=",
            "spring.rabbitmq.host=" + infra.amqpHost,
            "spring.rabbitmq.port=" + infra.amqpPort,
            "rms.consumer.queue-prefix=" + infra.queuePrefix);
  }

  private static int inboxTables(org.springframework.context.ApplicationContext context) {
    return new JdbcTemplate(context.getBean(javax.sql.DataSource.class))
        .queryForObject(
            "select count(*) from information_schema.tables where table_name = 'rms_inbox'",
            Integer.class);
  }

  @Test
  void withoutBaseUrlNothingIsConfigured() {
    runner(TestInfra.get().newDatabase("consumer_autoconf_off"))
        .withBean(Listener.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(ListenerContainers.class);
              assertThat(context).doesNotHaveBean(ListenerRegistrar.class);
            });
  }

  @Test
  void listenerMethodGetsAManualAckContainerOnItsSubscriptionQueueAndTheInboxTable() {
    String db = TestInfra.get().newDatabase("consumer_autoconf");
    runner(db)
        .withPropertyValues("rms.client.base-url=http://127.0.0.1:1", "rms.client.api-key=k")
        .withBean(Listener.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(ListenerContainers.class);
              assertThat(context.getBean(ListenerRegistrar.class).listeners()).hasSize(1);
              var containers = context.getBean(ListenerContainers.class).containers();
              assertThat(containers).hasSize(1);
              var container = containers.get(0);
              assertThat(container.getQueueNames())
                  .containsExactly(TestInfra.get().queuePrefix + "autoconf.test");
              assertThat(container.getAcknowledgeMode()).isEqualTo(AcknowledgeMode.MANUAL);
              assertThat(inboxTables(context)).isEqualTo(1);
              assertThat(
                      context
                          .getBean(Inbox.class)
                          .contains("autoconf.test", java.util.UUID.randomUUID()))
                  .isFalse();
            });
  }

  @Test
  void anAmqpAckBatchMakesTheContainerAckInBatchesAndMayNotExceedThePrefetch() {
    String db = TestInfra.get().newDatabase("consumer_autoconf_ackbatch");
    runner(db)
        .withPropertyValues(
            "rms.client.base-url=http://127.0.0.1:1",
            "rms.client.api-key=k",
            "rms.consumer.prefetch=20",
            "rms.consumer.amqp-ack-batch=20")
        .withBean(Listener.class)
        .run(
            context -> {
              var container = context.getBean(ListenerContainers.class).containers().get(0);
              assertThat(container.getAcknowledgeMode()).isEqualTo(AcknowledgeMode.AUTO);
            });
    runner(db)
        .withPropertyValues(
            "rms.client.base-url=http://127.0.0.1:1",
            "rms.client.api-key=k",
            "rms.consumer.prefetch=10",
            "rms.consumer.amqp-ack-batch=20")
        .withBean(Listener.class)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining(
                        "rms.consumer.amqp-ack-batch (20) must not exceed rms.consumer.prefetch"
                            + " (10)"));
  }

  @Test
  void withoutListenersNoContainerAndNoTable() {
    runner(TestInfra.get().newDatabase("consumer_autoconf_none"))
        .withPropertyValues("rms.client.base-url=http://127.0.0.1:1", "rms.client.api-key=k")
        .run(
            context -> {
              assertThat(context.getBean(ListenerContainers.class).containers()).isEmpty();
              assertThat(inboxTables(context)).isZero();
            });
  }

  @Test
  void withoutABrokerConnectionTheConsumerIsOff() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                DataSourceAutoConfiguration.class,
                DataSourceTransactionManagerAutoConfiguration.class,
                RmsClientAutoConfiguration.class,
                ConsumerAutoConfiguration.class))
        .withPropertyValues(
            "spring.datasource.url=" + TestInfra.get().newDatabase("consumer_autoconf_nobroker"),
            "spring.datasource.username=postgres",
            "rms.client.base-url=http://127.0.0.1:1",
            "rms.client.api-key=k")
        .run(context -> assertThat(context).doesNotHaveBean(ListenerContainers.class));
  }
}
