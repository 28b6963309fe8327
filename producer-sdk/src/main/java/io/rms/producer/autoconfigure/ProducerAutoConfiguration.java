package io.rms.producer.autoconfigure;

import io.rms.api.Limits;
import io.rms.producer.CheckBackResolver;
import io.rms.producer.ReliableMessenger;
import io.rms.producer.internal.AsyncCompleter;
import io.rms.producer.internal.BatchingCompleter;
import io.rms.producer.internal.BatchingPreparer;
import io.rms.producer.internal.CheckBackController;
import io.rms.producer.internal.CheckBackSignature;
import io.rms.producer.internal.Completer;
import io.rms.producer.internal.DirectPreparer;
import io.rms.producer.internal.PreparedLog;
import io.rms.producer.internal.PreparedLogCleaner;
import io.rms.producer.internal.PreparedLogResolver;
import io.rms.producer.internal.Preparer;
import io.rms.producer.internal.TransactionalMessenger;
import io.rms.sdk.client.ResilientRmsClient;
import io.rms.sdk.client.SdkTracing;
import io.rms.sdk.client.autoconfigure.RmsClientAutoConfiguration;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The producer SDK, when {@code rms.client.base-url} is set and the app has a DataSource: a {@link
 * ReliableMessenger}, the prepared-message log and its cleaner (unless the application answers
 * check-back itself, see {@link PreparedLogCondition}), and the check-back endpoint.
 */
@AutoConfiguration(after = {RmsClientAutoConfiguration.class, DataSourceAutoConfiguration.class})
@ConditionalOnProperty(prefix = "rms.client", name = "base-url")
@ConditionalOnBean({DataSource.class, ResilientRmsClient.class})
@EnableConfigurationProperties(ProducerProperties.class)
public class ProducerAutoConfiguration {

  /** Batching or one call per message; closed (queued work sent) by the inferred close(). */
  @Bean
  @ConditionalOnMissingBean(Completer.class)
  Completer rmsCompleter(ResilientRmsClient client, ProducerProperties properties) {
    ProducerProperties.Batching batching = properties.batching();
    if (batching.enabled()) {
      return new BatchingCompleter(
          client,
          batching.senders(),
          batchSize(batching),
          properties.completionQueueCapacity(),
          batching.completeLinger());
    }
    return new AsyncCompleter(
        client, properties.completionThreads(), properties.completionQueueCapacity());
  }

  @Bean
  @ConditionalOnMissingBean(Preparer.class)
  Preparer rmsPreparer(ResilientRmsClient client, ProducerProperties properties) {
    ProducerProperties.Batching batching = properties.batching();
    if (batching.enabled()) {
      return new BatchingPreparer(
          client,
          batching.senders(),
          batchSize(batching),
          batching.prepareQueueCapacity(),
          batching.prepareLinger());
    }
    return new DirectPreparer(client);
  }

  /** Records each send in the prepared-message log when there is one (see {@link PreparedLogs}). */
  @Bean
  @ConditionalOnMissingBean(ReliableMessenger.class)
  TransactionalMessenger reliableMessenger(
      ResilientRmsClient client,
      Preparer preparer,
      ObjectProvider<PreparedLog> log,
      Completer completer,
      ObjectProvider<SdkTracing> tracing) {
    return new TransactionalMessenger(
        client,
        preparer,
        log.getIfAvailable(),
        completer,
        tracing.getIfAvailable(() -> SdkTracing.NONE));
  }

  private static int batchSize(ProducerProperties.Batching batching) {
    return Math.max(1, Math.min(batching.maxSize(), Limits.MAX_BATCH));
  }

  /**
   * The prepared-message log ({@code rms_producer_log}), its cleaner and the check-back answer read
   * from it, unless {@code rms.producer.prepared-log} turns it off ({@code off}, or {@code auto}
   * beside the application's own resolver, which answers from the business rows: no insert per
   * send, no cleaner, no table).
   */
  @Configuration(proxyBeanMethods = false)
  @Conditional(PreparedLogCondition.class)
  static class PreparedLogs {

    @Bean
    @ConditionalOnMissingBean
    PreparedLog rmsPreparedLog(DataSource dataSource, ProducerProperties properties) {
      PreparedLog log = new PreparedLog(dataSource);
      if (properties.initializeSchema()) {
        log.createSchema();
      }
      return log;
    }

    @Bean
    @ConditionalOnMissingBean(CheckBackResolver.class)
    PreparedLogResolver checkBackResolver(
        PreparedLog log, ProducerProperties properties, ObjectProvider<Clock> clock) {
      return new PreparedLogResolver(
          log,
          properties.transactionTimeout(),
          properties.checkBack().lockWait(),
          clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    PreparedLogCleaner rmsPreparedLogCleaner(PreparedLog log, ProducerProperties properties) {
      return new PreparedLogCleaner(log, properties.logRetention(), properties.cleanupInterval());
    }
  }

  /**
   * {@code rms.producer.prepared-log=off} and no resolver of the application: refuses to start,
   * since check-back could never answer COMMIT (a committed message whose confirm was lost would
   * never be delivered). The failure is a resolver bean, so whatever needs one fails with this
   * message, and a context without the endpoint fails too.
   */
  @Configuration(proxyBeanMethods = false)
  @Conditional(PreparedLogCondition.OffWithoutResolver.class)
  static class NoCheckBackAnswer {

    @Bean
    CheckBackResolver rmsNoCheckBackAnswer() {
      throw new IllegalStateException(
          "rms.producer.prepared-log=off needs a CheckBackResolver bean of the application: without"
              + " the prepared-message log check-back could never answer COMMIT, so a committed"
              + " message whose confirm was lost would never be delivered. Declare a"
              + " CheckBackResolver that answers from your business rows (docs/sdk.md), or set"
              + " rms.producer.prepared-log=auto");
    }
  }

  /** The endpoint, in servlet web applications unless disabled. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnProperty(
      prefix = "rms.producer.check-back",
      name = "enabled",
      havingValue = "true",
      matchIfMissing = true)
  static class CheckBackEndpoint {

    @Bean
    CheckBackSignature rmsCheckBackSignature(
        ProducerProperties properties, ObjectProvider<Clock> clock) {
      String secret = properties.checkBack().secret();
      if (secret == null || secret.isBlank()) {
        throw new IllegalStateException(
            "rms.producer.check-back.secret is required (the app's check-back secret at the"
                + " service); or set rms.producer.check-back.enabled=false");
      }
      return new CheckBackSignature(
          secret, properties.checkBack().maxSkew(), clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    CheckBackController rmsCheckBackController(
        CheckBackSignature signature, CheckBackResolver resolver, ObjectProvider<JsonMapper> json) {
      return new CheckBackController(
          signature,
          resolver,
          json.getIfAvailable(() -> JsonMapper.builder().findAndAddModules().build()));
    }
  }
}
