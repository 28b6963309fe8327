package io.rms.service.admin;

import io.rms.service.message.EventStore;
import io.rms.service.message.EventType;
import io.rms.service.registry.RegistryAudit;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Records registry changes as {@code ADMIN} events without a message. */
@Component
class RegistryAuditEvents implements RegistryAudit {
  private final EventStore events;

  RegistryAuditEvents(EventStore events) {
    this.events = events;
  }

  @Override
  public void admin(String actor, String action, String target, String result) {
    events.append(
        null,
        EventType.ADMIN,
        null,
        actor,
        Map.of("action", action, "target", target, "result", result));
  }
}
