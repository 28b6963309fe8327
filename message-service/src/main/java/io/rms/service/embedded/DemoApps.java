package io.rms.service.embedded;

import io.rms.service.config.RmsProperties;
import io.rms.service.registry.ApiKeys;
import io.rms.service.registry.App;
import io.rms.service.registry.AppRepository;
import io.rms.service.registry.Registry;
import io.rms.service.registry.Subscription;
import io.rms.service.registry.SubscriptionRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.DependsOn;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * In embedded mode, registers a demo producer ({@code orders}, topic {@code order.created}), a demo
 * consumer ({@code cart}) and its subscription {@code cart.order-created}, with fresh API keys
 * printed at start-up and written to {@code <data-dir>/demo-keys.env}.
 */
@Component
@DependsOn("registryBootstrap")
@ConditionalOnProperty(name = "rms.embedded.active", havingValue = "true")
class DemoApps implements InitializingBean {
  static final String PRODUCER = "orders";
  static final String CONSUMER = "cart";
  static final String TOPIC = "order.created";
  static final String SUBSCRIPTION = "cart.order-created";

  private final AppRepository apps;
  private final SubscriptionRepository subscriptions;
  private final ApiKeys apiKeys;
  private final Registry registry;
  private final TransactionTemplate tx;
  private final RmsProperties properties;

  DemoApps(
      AppRepository apps,
      SubscriptionRepository subscriptions,
      ApiKeys apiKeys,
      Registry registry,
      TransactionTemplate tx,
      RmsProperties properties) {
    this.apps = apps;
    this.subscriptions = subscriptions;
    this.apiKeys = apiKeys;
    this.registry = registry;
    this.tx = tx;
    this.properties = properties;
  }

  @Override
  public void afterPropertiesSet() throws IOException {
    if (!properties.demo().enabled()) {
      return;
    }
    String producerKey = apiKeys.generate();
    String consumerKey = apiKeys.generate();
    tx.executeWithoutResult(
        status -> {
          App producer = apps.findById(PRODUCER).orElseGet(() -> new App(PRODUCER));
          producer.setApiKeyHashes(new String[] {apiKeys.hashIfPlain(producerKey)});
          producer.setProduces(new String[] {TOPIC});
          producer.setRoles(new String[] {"OPERATOR"});
          apps.save(producer);
          App consumer = apps.findById(CONSUMER).orElseGet(() -> new App(CONSUMER));
          consumer.setApiKeyHashes(new String[] {apiKeys.hashIfPlain(consumerKey)});
          apps.save(consumer);
          Subscription s =
              subscriptions.findById(SUBSCRIPTION).orElseGet(() -> new Subscription(SUBSCRIPTION));
          s.setTopic(TOPIC);
          s.setAppId(CONSUMER);
          s.setQueue(properties.broker().queuePrefix() + SUBSCRIPTION);
          s.setAckTimeoutMs(60_000);
          s.setMaxAttempts(10);
          s.setBackoffInitialMs(5_000);
          s.setBackoffMultiplier(2.0);
          s.setBackoffMaxMs(600_000);
          subscriptions.save(s);
        });
    registry.refresh();
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
