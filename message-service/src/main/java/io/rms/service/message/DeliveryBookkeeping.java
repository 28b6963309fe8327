package io.rms.service.message;

import io.rms.service.message.DeliveryStore.Published;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Records publish outcomes: confirmed publishes in one statement, failures with an event. */
@Service
public class DeliveryBookkeeping {
  private final DeliveryStore deliveries;
  private final EventStore events;

  DeliveryBookkeeping(DeliveryStore deliveries, EventStore events) {
    this.deliveries = deliveries;
    this.events = events;
  }

  /** SCHEDULED → PUBLISHED for the confirmed publishes (one statement: no transaction needed). */
  public int published(List<Published> published) {
    return deliveries.markPublished(published);
  }

  /** Keeps the delivery SCHEDULED (no attempt consumed), records why and when to retry. */
  @Transactional
  public void publishFailed(
      UUID messageId, String subscription, int attempt, String reason, Duration retryIn) {
    if (deliveries.recordPublishFailure(messageId, subscription, attempt, reason, retryIn)) {
      events.append(
          messageId,
          EventType.PUBLISH_FAILED,
          subscription,
          EventStore.SYSTEM,
          Map.of("attempt", attempt, "reason", DeliveryStore.truncate(reason)));
    }
  }
}
