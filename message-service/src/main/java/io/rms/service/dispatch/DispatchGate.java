package io.rms.service.dispatch;

import io.rms.service.message.PublishRequest;
import io.rms.service.message.ReadyDeliveries;
import io.rms.service.registry.DeliveryMode;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps back, before they reach the broker, the deliveries of subscriptions the service does not
 * publish to now (docs/design.md §10): pull subscriptions (the consumer leases them over HTTP) and
 * paused ones. Each such delivery stays SCHEDULED and is made due at once, so a pull may lease it
 * and the sweep sends it when a paused subscription resumes; a crash in between leaves it due after
 * the publish grace instead. Only the attempt handed over is made due: a delivery that moved on
 * meanwhile (leased and nacked into its backoff) keeps its time. Pull consumers waiting on this
 * replica are told.
 */
@Component
class DispatchGate {
  private final Registry registry;
  private final JdbcTemplate jdbc;
  private final List<ReadyDeliveries> listeners;

  DispatchGate(Registry registry, JdbcTemplate jdbc, List<ReadyDeliveries> listeners) {
    this.registry = registry;
    this.jdbc = jdbc;
    this.listeners = listeners;
  }

  /** The deliveries to publish; the others are kept back as described above. */
  List<PublishRequest> sendable(List<PublishRequest> requests) {
    List<PublishRequest> send = null;
    List<PublishRequest> held = null;
    Set<String> pulled = null;
    for (int i = 0; i < requests.size(); i++) {
      PublishRequest r = requests.get(i);
      SubscriptionInfo s = registry.subscription(r.subscription()).orElse(null);
      if (s == null || s.publishes()) {
        if (send != null) {
          send.add(r);
        }
        continue;
      }
      if (held == null) {
        held = new ArrayList<>();
        pulled = new HashSet<>();
        send = new ArrayList<>(requests.subList(0, i));
      }
      held.add(r);
      if (s.mode() == DeliveryMode.PULL && !s.paused()) {
        pulled.add(s.name());
      }
    }
    if (held == null) {
      return requests;
    }
    keepBack(held, pulled);
    return send;
  }

  /** Makes the held deliveries due and wakes the pull consumers of {@code pulled} waiting here. */
  private void keepBack(List<PublishRequest> held, Set<String> pulled) {
    jdbc.update(
        """
        update delivery d set next_attempt_at = now()
          from unnest(?::uuid[], ?::text[], ?::int[]) as t(message_id, subscription, attempt)
         where d.message_id = t.message_id and d.subscription = t.subscription
           and d.status = 'SCHEDULED' and d.attempts = t.attempt - 1
           and d.next_attempt_at > now()
        """,
        held.stream().map(PublishRequest::messageId).toArray(UUID[]::new),
        held.stream().map(PublishRequest::subscription).toArray(String[]::new),
        held.stream().mapToInt(PublishRequest::attempt).boxed().toArray(Integer[]::new));
    if (!pulled.isEmpty()) {
      listeners.forEach(l -> l.ready(pulled));
    }
  }
}
