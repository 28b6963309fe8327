package io.rms.service.push;

import io.rms.service.config.RmsProperties;
import io.rms.service.registry.AppInfo;
import io.rms.service.registry.DeliveryMode;
import io.rms.service.registry.PushSettings;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionInfo;
import jakarta.annotation.PreDestroy;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The push workers of this replica: one listener container per active, not paused push subscription
 * (of an active app), consuming its queue with manual acks, {@code push.concurrency} consumers with
 * a prefetch of one each. Started, changed and stopped on every {@link Registry.RegistryChanged},
 * so a mode, pause or settings change applies within the registry refresh. Every replica that runs
 * the jobs ({@code rms.role} all or jobs) runs them: the broker shares the copies out, and a copy a
 * stopped replica held unacked goes back to the queue.
 */
@Component
class PushWorkers {
  private final ConnectionFactory connections;
  private final PushHandler handler;
  private final PushGuards guards;
  private final Registry registry;
  private final boolean enabled;
  private final Map<String, Running> running = new HashMap<>();

  private record Running(
      String queue, PushSettings settings, SimpleMessageListenerContainer container) {}

  PushWorkers(
      ConnectionFactory connections,
      PushHandler handler,
      PushGuards guards,
      Registry registry,
      RmsProperties properties) {
    this.connections = connections;
    this.handler = handler;
    this.guards = guards;
    this.registry = registry;
    this.enabled = properties.role().runsJobs();
  }

  /** True when a subscription's deliveries are pushed now: push mode, active, not paused. */
  static boolean pushed(SubscriptionInfo s) {
    return s.mode() == DeliveryMode.PUSH && s.active() && !s.paused() && s.push() != null;
  }

  /**
   * The subscriptions known at start (their registry change was announced before this listened).
   */
  @EventListener(ApplicationReadyEvent.class)
  void ready() {
    if (enabled) {
      sync(registry.subscriptions());
    }
  }

  @EventListener
  void registryChanged(Registry.RegistryChanged changed) {
    if (enabled) {
      sync(changed.subscriptions());
    }
  }

  /** The subscriptions whose workers run on this replica now. */
  synchronized Set<String> workers() {
    return Set.copyOf(running.keySet());
  }

  private synchronized void sync(Collection<SubscriptionInfo> subscriptions) {
    Map<String, SubscriptionInfo> wanted =
        subscriptions.stream()
            .filter(PushWorkers::pushed)
            .filter(s -> registry.app(s.app()).map(AppInfo::active).orElse(false))
            .collect(Collectors.toMap(SubscriptionInfo::name, s -> s));
    running
        .entrySet()
        .removeIf(
            entry -> {
              SubscriptionInfo want = wanted.get(entry.getKey());
              Running current = entry.getValue();
              if (want != null
                  && want.queue().equals(current.queue())
                  && want.push().equals(current.settings())) {
                return false;
              }
              current.container().stop();
              return true;
            });
    wanted.forEach((name, sub) -> running.computeIfAbsent(name, n -> start(sub)));
    guards.retain(wanted.keySet());
  }

  private Running start(SubscriptionInfo sub) {
    SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connections);
    container.setQueueNames(sub.queue());
    container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
    container.setConcurrentConsumers(sub.push().concurrency());
    container.setPrefetchCount(1);
    container.setMissingQueuesFatal(false);
    // a new subscription's queue is declared by QueueDeclarer on the same registry change, maybe
    // just after this: look again soon rather than after the default 5 s
    container.setFailedDeclarationRetryInterval(250);
    container.setDeclarationRetries(40);
    container.setRecoveryInterval(1000);
    container.setDefaultRequeueRejected(true);
    container.setMessageListener(
        (ChannelAwareMessageListener)
            (message, channel) -> handler.handle(sub.name(), message, channel));
    container.afterPropertiesSet();
    container.start();
    return new Running(sub.queue(), sub.push(), container);
  }

  @PreDestroy
  synchronized void stopAll() {
    running.values().forEach(r -> r.container().stop());
    running.clear();
  }
}
