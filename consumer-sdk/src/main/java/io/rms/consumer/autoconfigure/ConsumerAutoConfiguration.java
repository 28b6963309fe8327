package io.rms.consumer.autoconfigure;

import io.rms.consumer.internal.AckBatcher;
import io.rms.consumer.internal.AmqpAckBatch;
import io.rms.consumer.internal.Inbox;
import io.rms.consumer.internal.ListenerContainers;
import io.rms.consumer.internal.ListenerRegistrar;
import io.rms.sdk.client.ResilientRmsClient;
import io.rms.sdk.client.SdkTracing;
import io.rms.sdk.client.autoconfigure.RmsClientAutoConfiguration;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The consumer SDK, when {@code rms.client.base-url} is set and the app has a DataSource, a
 * transaction manager and a RabbitMQ connection: every {@link
 * io.rms.consumer.ReliableMessageListener} method gets a listener container.
 */
@AutoConfiguration(
    after = {
      RmsClientAutoConfiguration.class,
      DataSourceAutoConfiguration.class,
      DataSourceTransactionManagerAutoConfiguration.class,
      RabbitAutoConfiguration.class
    },
    afterName = {
      "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
      "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration"
    })
@ConditionalOnProperty(prefix = "rms.client", name = "base-url")
@ConditionalOnBean({
  DataSource.class,
  PlatformTransactionManager.class,
  org.springframework.amqp.rabbit.connection.ConnectionFactory.class,
  ResilientRmsClient.class
})
@EnableConfigurationProperties(ConsumerProperties.class)
public class ConsumerAutoConfiguration {

  @Bean
  static ListenerRegistrar rmsListenerRegistrar() {
    return new ListenerRegistrar();
  }

  @Bean
  @ConditionalOnMissingBean
  Inbox rmsInbox(DataSource dataSource) {
    return new Inbox(dataSource);
  }

  @Bean(destroyMethod = "close")
  AckBatcher rmsAckBatcher(ResilientRmsClient client, ConsumerProperties properties) {
    return new AckBatcher(client, properties.ackBatchSize(), properties.ackMaxDelay());
  }

  @Bean
  ListenerContainers rmsListenerContainers(
      ListenerRegistrar registrar,
      org.springframework.amqp.rabbit.connection.ConnectionFactory connectionFactory,
      Inbox inbox,
      PlatformTransactionManager transactionManager,
      AckBatcher acks,
      ResilientRmsClient client,
      ObjectProvider<JsonMapper> json,
      ConsumerProperties properties,
      ObjectProvider<SdkTracing> tracing) {
    return new ListenerContainers(
        registrar,
        connectionFactory,
        inbox,
        new TransactionTemplate(transactionManager),
        acks,
        client,
        json.getIfAvailable(() -> JsonMapper.builder().findAndAddModules().build()),
        new ListenerContainers.Settings(
            properties.queuePrefix(),
            properties.prefetch(),
            properties.initializeSchema(),
            properties.inboxRetention(),
            properties.cleanupInterval(),
            new AmqpAckBatch(properties.amqpAckBatch(), properties.amqpAckMaxDelay())),
        tracing.getIfAvailable(() -> SdkTracing.NONE));
  }
}
