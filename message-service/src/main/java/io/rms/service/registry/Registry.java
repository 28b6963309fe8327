package io.rms.service.registry;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The in-memory snapshot of apps and subscriptions that the hot path reads. It is reloaded after
 * every registry change in this process and periodically, so other replicas' changes arrive within
 * the refresh interval.
 */
@Component
public class Registry {
  private final AppRepository apps;
  private final SubscriptionRepository subscriptions;
  private final ApplicationEventPublisher events;
  private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());

  Registry(
      AppRepository apps, SubscriptionRepository subscriptions, ApplicationEventPublisher events) {
    this.apps = apps;
    this.subscriptions = subscriptions;
    this.events = events;
  }

  /** An app by id, active or not. */
  public Optional<AppInfo> app(String id) {
    return Optional.ofNullable(snapshot.apps.get(id));
  }

  /** Every app. */
  public Collection<AppInfo> apps() {
    return snapshot.apps.values();
  }

  /** A subscription by name, active or not. */
  public Optional<SubscriptionInfo> subscription(String name) {
    return Optional.ofNullable(snapshot.subscriptions.get(name));
  }

  /**
   * The app holding the key with this key id (active or not) and the key's stored SHA-256 digest
   * (see {@link ApiKeys}).
   */
  public Optional<KeyHolder> keyHolder(String keyId) {
    return Optional.ofNullable(snapshot.keyHolders.get(keyId));
  }

  /** The apps holding keys stored as bcrypt hashes (keys without a key id). */
  public List<AppInfo> appsWithBcryptKeys() {
    return snapshot.bcryptHolders;
  }

  /** An app and the SHA-256 digest of one of its keys' secrets. */
  public record KeyHolder(AppInfo app, String digest) {
    @Override
    public String toString() {
      return "KeyHolder[app=" + app.id() + "]";
    }
  }

  /** Every subscription. */
  public Collection<SubscriptionInfo> subscriptions() {
    return snapshot.subscriptions.values();
  }

  /** The active subscriptions of a topic whose consumer app is active, sorted by name. */
  public List<SubscriptionInfo> activeSubscriptions(String topic) {
    return snapshot.byTopic.getOrDefault(topic, List.of());
  }

  /**
   * The active subscriptions of every topic that has one, as {@link #activeSubscriptions} gives
   * them, from one snapshot.
   */
  public Map<String, List<SubscriptionInfo>> activeSubscriptionsByTopic() {
    return snapshot.byTopic;
  }

  /** Reloads the snapshot from the database and announces it. */
  @Scheduled(
      fixedDelayString = "${rms.registry.refresh:10s}",
      initialDelayString = "${rms.registry.refresh:10s}")
  @Transactional(readOnly = true)
  public void refresh() {
    Snapshot next =
        new Snapshot(
            apps.findAll().stream()
                .map(AppInfo::of)
                .collect(Collectors.toUnmodifiableMap(AppInfo::id, Function.identity())),
            subscriptions.findAll().stream()
                .map(SubscriptionInfo::of)
                .collect(
                    Collectors.toUnmodifiableMap(SubscriptionInfo::name, Function.identity())));
    boolean changed = !next.equals(snapshot);
    snapshot = next;
    if (changed) {
      events.publishEvent(new RegistryChanged(next.subscriptions.values()));
    }
  }

  /** Published when the snapshot changed. */
  public record RegistryChanged(Collection<SubscriptionInfo> subscriptions) {}

  private record Snapshot(
      Map<String, AppInfo> apps,
      Map<String, SubscriptionInfo> subscriptions,
      Map<String, List<SubscriptionInfo>> byTopic,
      Map<String, KeyHolder> keyHolders,
      List<AppInfo> bcryptHolders) {

    Snapshot(Map<String, AppInfo> apps, Map<String, SubscriptionInfo> subscriptions) {
      this(
          apps,
          subscriptions,
          subscriptions.values().stream()
              .filter(SubscriptionInfo::active)
              .filter(s -> apps.containsKey(s.app()) && apps.get(s.app()).active())
              .sorted(java.util.Comparator.comparing(SubscriptionInfo::name))
              .collect(
                  Collectors.groupingBy(SubscriptionInfo::topic, Collectors.toUnmodifiableList())),
          keyHolders(apps.values()),
          apps.values().stream()
              .filter(a -> a.apiKeyHashes().stream().anyMatch(h -> h.startsWith(ApiKeys.BCRYPT)))
              .sorted(java.util.Comparator.comparing(AppInfo::id))
              .toList());
    }

    private static Map<String, KeyHolder> keyHolders(Collection<AppInfo> apps) {
      Map<String, KeyHolder> holders = new java.util.HashMap<>();
      for (AppInfo app : apps) {
        for (String hash : app.apiKeyHashes()) {
          ApiKeys.keyIdOf(hash)
              .ifPresent(
                  id -> holders.put(id, new KeyHolder(app, ApiKeys.digestOf(hash).orElseThrow())));
        }
      }
      return Map.copyOf(holders);
    }
  }
}
