package io.rms.service.registry;

import io.rms.api.Limits;
import io.rms.recovery.ExponentialBackoff;
import io.rms.service.config.RmsProperties;
import io.rms.service.config.RmsProperties.AppConfig;
import io.rms.service.config.RmsProperties.SubscriptionConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies {@code rms.apps} and {@code rms.subscriptions} to the database at start-up (config is the
 * source of truth for the apps and subscriptions it declares; others are left alone), then loads
 * the registry snapshot.
 */
@Component
public class RegistryBootstrap implements InitializingBean {
  private static final Logger log = LoggerFactory.getLogger(RegistryBootstrap.class);

  private final RmsProperties properties;
  private final AppRepository apps;
  private final SubscriptionRepository subscriptions;
  private final ApiKeys apiKeys;
  private final Registry registry;
  private final TransactionTemplate tx;
  private final CheckBackTargets checkBackTargets;
  private final PushTargets pushTargets;
  private final JdbcTemplate jdbc;

  RegistryBootstrap(
      RmsProperties properties,
      AppRepository apps,
      SubscriptionRepository subscriptions,
      ApiKeys apiKeys,
      Registry registry,
      TransactionTemplate tx,
      CheckBackTargets checkBackTargets,
      PushTargets pushTargets,
      JdbcTemplate jdbc) {
    this.properties = properties;
    this.apps = apps;
    this.subscriptions = subscriptions;
    this.apiKeys = apiKeys;
    this.registry = registry;
    this.tx = tx;
    this.checkBackTargets = checkBackTargets;
    this.pushTargets = pushTargets;
    this.jdbc = jdbc;
  }

  @Override
  public void afterPropertiesSet() {
    apply(properties.apps(), properties.subscriptions());
    log.info(
        "registry: {} apps, {} subscriptions ({} from configuration)",
        registry.apps().size(),
        registry.subscriptions().size(),
        properties.apps().size() + properties.subscriptions().size());
  }

  /**
   * Creates or updates these apps and subscriptions in one transaction (plain API keys hashed,
   * default queue names filled in, everything validated, check-back URLs against the allowlist
   * without DNS: every call checks the resolved address), then reloads the snapshot.
   */
  public void apply(List<AppConfig> appConfigs, List<SubscriptionConfig> subscriptionConfigs) {
    tx.executeWithoutResult(
        status -> {
          // replicas starting together on a new database take turns, so the second finds the
          // first's rows and updates them instead of inserting them again (a duplicate key)
          jdbc.query(
              "select pg_advisory_xact_lock(hashtextextended('rms:registry-bootstrap', 0))",
              rs -> {});
          appConfigs.forEach(this::apply);
          subscriptionConfigs.forEach(this::apply);
        });
    registry.refresh();
  }

  private void apply(AppConfig config) {
    require(config.id() != null && config.id().matches(Limits.APP_PATTERN), "app id", config.id());
    String weakSecret = CheckBackSecrets.refusal(config.checkBackSecret());
    if (weakSecret != null) {
      throw new IllegalStateException(
          "invalid check-back-secret of app " + config.id() + " in configuration: " + weakSecret);
    }
    if (config.checkBackUrl() != null && !config.checkBackUrl().isBlank()) {
      try {
        checkBackTargets.checkUrl(config.checkBackUrl());
      } catch (CheckBackTargets.Refused refused) {
        throw new IllegalStateException(
            "invalid check-back-url of app "
                + config.id()
                + " in configuration: "
                + refused.getMessage());
      }
    }
    App app = apps.findById(config.id()).orElseGet(() -> new App(config.id()));
    List<String> hashes = new ArrayList<>();
    for (String key : config.apiKeys()) {
      try {
        hashes.add(apiKeys.storedForm(key));
      } catch (IllegalArgumentException refused) {
        throw new IllegalStateException(
            "invalid api-keys entry of app "
                + config.id()
                + " in configuration: "
                + refused.getMessage());
      }
    }
    app.setApiKeyHashes(hashes.toArray(String[]::new));
    app.setProduces(config.produces().toArray(String[]::new));
    app.setCheckBackUrl(config.checkBackUrl());
    app.setCheckBackSecret(config.checkBackSecret());
    app.setRoles(config.roles().stream().map(String::toUpperCase).toArray(String[]::new));
    app.setActive(true);
    apps.save(app);
  }

  private void apply(SubscriptionConfig config) {
    require(
        config.name() != null && config.name().matches(Limits.SUBSCRIPTION_PATTERN),
        "subscription name",
        config.name());
    require(
        config.topic() != null && config.topic().matches(Limits.TOPIC_PATTERN),
        "topic of subscription " + config.name(),
        config.topic());
    require(
        config.app() != null && apps.existsById(config.app()),
        "app of subscription " + config.name(),
        config.app());
    require(config.maxAttempts() >= 1, "max-attempts of " + config.name(), config.maxAttempts());
    new ExponentialBackoff(
        config.backoff().initial(), config.backoff().multiplier(), config.backoff().max());
    Subscription s =
        subscriptions.findById(config.name()).orElseGet(() -> new Subscription(config.name()));
    s.setTopic(config.topic());
    s.setAppId(config.app());
    s.setQueue(
        config.queue() != null && !config.queue().isBlank()
            ? config.queue()
            : properties.broker().queuePrefix() + config.name());
    s.setAckTimeoutMs(config.ackTimeout().toMillis());
    s.setMaxAttempts(config.maxAttempts());
    s.setBackoffInitialMs(config.backoff().initial().toMillis());
    s.setBackoffMultiplier(config.backoff().multiplier());
    s.setBackoffMaxMs(config.backoff().max().toMillis());
    s.setOrdered(config.ordered());
    s.setActive(true);
    DeliveryMode mode;
    try {
      mode = DeliveryMode.parse(config.delivery());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "invalid delivery of subscription "
              + config.name()
              + " in configuration: "
              + e.getMessage());
    }
    s.setDelivery(mode, mode == DeliveryMode.PUSH ? push(config) : null);
    subscriptions.save(s);
  }

  private PushSettings push(SubscriptionConfig config) {
    RmsProperties.PushConfig p = config.push();
    require(p != null && p.url() != null, "push.url of subscription " + config.name(), null);
    URI url;
    try {
      url = pushTargets.checkUrl(p.url());
    } catch (CheckBackTargets.Refused refused) {
      throw new IllegalStateException(
          "invalid push.url of subscription "
              + config.name()
              + " in configuration: "
              + refused.getMessage());
    }
    require(p.concurrency() >= 1, "push.concurrency of " + config.name(), p.concurrency());
    require(p.rate() > 0, "push.rate of " + config.name(), p.rate());
    require(
        !p.timeout().isNegative()
            && !p.timeout().isZero()
            && !p.pauseAfter().isNegative()
            && !p.pauseAfter().isZero(),
        "push.timeout and push.pause-after of " + config.name(),
        p.timeout() + ", " + p.pauseAfter());
    return new PushSettings(url, p.timeout(), p.concurrency(), p.rate(), p.pauseAfter());
  }

  private static void require(boolean ok, String what, Object value) {
    if (!ok) {
      throw new IllegalStateException("invalid " + what + " in configuration: " + value);
    }
  }
}
