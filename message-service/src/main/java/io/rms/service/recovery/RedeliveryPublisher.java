package io.rms.service.recovery;

import io.rms.recovery.DeliveryKey;
import io.rms.service.config.RmsProperties;
import io.rms.service.message.DeliveryDispatcher;
import io.rms.service.message.MessageStore;
import io.rms.service.message.PublishListener;
import io.rms.service.message.PublishRequest;
import io.rms.service.message.ReplayDeliveries;
import io.rms.service.message.StoredMessage;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Publishes claimed deliveries (the sweep's and operators') through the {@link DeliveryDispatcher}
 * with attempt {@link DeliveryKey#nextAttempt()}, and tracks them until their outcome is recorded
 * ({@link PublishListener}) to bound the sweep's publishes in flight; an entry whose outcome never
 * comes (a full publish queue) counts until a lease has passed.
 */
@Component
class RedeliveryPublisher implements PublishListener {
  private final DeliveryDispatcher dispatcher;
  private final MessageStore messages;
  private final Registry registry;
  private final ReplayDeliveries replays;
  private final long staleAfterNanos;
  private final Map<String, Long> inFlight = new ConcurrentHashMap<>();

  RedeliveryPublisher(
      DeliveryDispatcher dispatcher,
      MessageStore messages,
      Registry registry,
      ReplayDeliveries replays,
      RmsProperties properties) {
    this.replays = replays;
    this.dispatcher = dispatcher;
    this.messages = messages;
    this.registry = registry;
    this.staleAfterNanos = properties.recovery().lease().toNanos();
  }

  /**
   * Publishes the deliveries asynchronously; one whose message or subscription is gone is left. A
   * delivery whose cycle is a replay's carries the replay's id.
   */
  void publish(List<DeliveryKey> due) {
    if (due.isEmpty()) {
      return;
    }
    Map<UUID, StoredMessage> found =
        messages.findAll(due.stream().map(DeliveryKey::messageId).toList());
    Map<String, String> replayIds = replays.replayIds(due);
    List<PublishRequest> requests = new ArrayList<>(due.size());
    for (DeliveryKey d : due) {
      StoredMessage m = found.get(d.messageId());
      Optional<SubscriptionInfo> s = registry.subscription(d.subscription());
      if (m == null || s.isEmpty()) {
        continue; // the lease expires; nothing to publish to now
      }
      PublishRequest request =
          PublishRequest.of(
              m, s.get(), d.nextAttempt(), replayIds.get(d.messageId() + "/" + d.subscription()));
      inFlight.put(trackingKey(request), System.nanoTime());
      requests.add(request);
    }
    if (!requests.isEmpty()) {
      dispatcher.dispatch(requests);
    }
  }

  /** Publishes handed over whose outcome is not recorded yet. */
  int inFlight() {
    long now = System.nanoTime();
    inFlight.values().removeIf(handedOver -> now - handedOver > staleAfterNanos);
    return inFlight.size();
  }

  @Override
  public void recorded(PublishRequest request) {
    inFlight.remove(trackingKey(request));
  }

  private static String trackingKey(PublishRequest r) {
    return r.messageId() + "/" + r.subscription() + "/" + r.attempt();
  }
}
