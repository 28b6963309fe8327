package io.rms.service.embedded;

import io.rms.service.config.RmsProperties;
import io.rms.service.config.RmsProperties.AppConfig;
import io.rms.service.config.RmsProperties.Backoff;
import io.rms.service.config.RmsProperties.SubscriptionConfig;
import io.rms.service.registry.ApiKeys;
import io.rms.service.registry.RegistryBootstrap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.DependsOn;
import org.springframework.stereotype.Component;

/**
 * In embedded mode, registers a demo producer ({@code orders}, topic {@code order.created}), a demo
 * consumer ({@code cart}) and its subscription {@code cart.order-created}, with fresh API keys
 * printed at start-up and written to {@code <data-dir>/demo-keys.env}. The producer's check-back
 * goes to the example order-service ({@code rms.demo.check-back-url}, default {@code
 * http://localhost:8081/rms/check-back}, secret {@code rms.demo.check-back-secret}).
 */
@Component
@DependsOn("registryBootstrap")
@ConditionalOnProperty(name = "rms.embedded.active", havingValue = "true")
class DemoApps implements InitializingBean {
  static final String PRODUCER = "orders";
  static final String CONSUMER = "cart";
  static final String TOPIC = "order.created";
  static final String SUBSCRIPTION = "cart.order-created";

  private final RegistryBootstrap registry;
  private final ApiKeys apiKeys;
  private final RmsProperties properties;

  DemoApps(RegistryBootstrap registry, ApiKeys apiKeys, RmsProperties properties) {
    this.registry = registry;
    this.apiKeys = apiKeys;
    this.properties = properties;
  }

  @Override
  public void afterPropertiesSet() throws IOException {
    if (!properties.demo().enabled()) {
      return;
    }
    String producerKey = apiKeys.generate();
    String consumerKey = apiKeys.generate();
    // the same upsert as rms.apps / rms.subscriptions from configuration, with their defaults
    registry.apply(
        List.of(
            new AppConfig(
                PRODUCER,
                List.of(producerKey),
                List.of(TOPIC),
                properties.demo().checkBackUrl(),
                properties.demo().checkBackSecret(),
                List.of("OPERATOR")),
            new AppConfig(CONSUMER, List.of(consumerKey), List.of(), null, null, List.of())),
        List.of(
            new SubscriptionConfig(
                SUBSCRIPTION,
                TOPIC,
                CONSUMER,
                null,
                Duration.ofSeconds(60),
                10,
                new Backoff(Duration.ofSeconds(5), 2.0, Duration.ofMinutes(10)),
                false,
                "amqp",
                null)));
    Path keys = Path.of(properties.embedded().dataDir()).toAbsolutePath().resolve("demo-keys.env");
    Files.createDirectories(keys.getParent());
    Files.writeString(keys, "ORDERS_KEY=" + producerKey + "\nCART_KEY=" + consumerKey + "\n");
    // Printed, not logged: these are throw-away demo keys of embedded mode; real keys are
    // configured hashed and never appear in output.
    System.out.printf(
        "%n  Demo apps (embedded mode; new keys at every start, also in %s):%n"
            + "    producer 'orders'  (topic order.created)                 %s%n"
            + "    consumer 'cart'    (subscription cart.order-created)     %s%n"
            + "    queue              %s%n%n",
        keys, producerKey, consumerKey, properties.broker().queuePrefix() + SUBSCRIPTION);
  }
}
