package io.rms.service.push;

import io.rms.service.registry.DeliveryMode;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionInfo;
import java.util.Comparator;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * What the dashboard shows of the push subscriptions ({@code @pushMonitor} in its templates): per
 * push subscription this replica's circuit state, pushes in flight, latency and last error.
 */
@Component("pushMonitor")
public class PushMonitor {
  private final Registry registry;
  private final PushGuards guards;

  PushMonitor(Registry registry, PushGuards guards) {
    this.registry = registry;
    this.guards = guards;
  }

  /**
   * Every push subscription by name; one without pushes on this replica yet (paused, inactive, or a
   * replica that runs no jobs) shows circuit {@code IDLE}.
   */
  public List<PushStatus> statuses() {
    return registry.subscriptions().stream()
        .filter(s -> s.mode() == DeliveryMode.PUSH && s.push() != null)
        .sorted(Comparator.comparing(SubscriptionInfo::name))
        .map(
            s ->
                guards
                    .find(s.name())
                    .map(PushGuards.Guard::status)
                    .orElseGet(
                        () ->
                            new PushStatus(
                                s.name(),
                                "IDLE",
                                null,
                                0,
                                s.push().concurrency(),
                                null,
                                null,
                                null)))
        .toList();
  }
}
