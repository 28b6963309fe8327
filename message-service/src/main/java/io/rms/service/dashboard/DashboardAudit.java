package io.rms.service.dashboard;

import io.rms.service.message.EventStore;
import io.rms.service.message.EventType;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Records admin actions (registry and users) as {@code ADMIN} events without a message. */
@Component
class DashboardAudit {
  /** Event type of admin actions. */
  static final String ADMIN = EventType.ADMIN;

  private final EventStore events;

  DashboardAudit(EventStore events) {
    this.events = events;
  }

  /** The actor name of a dashboard user. */
  static String actor(String username) {
    return "user:" + username;
  }

  void admin(String username, String action, String target, String result) {
    events.append(
        null,
        ADMIN,
        null,
        actor(username),
        Map.of("action", action, "target", target, "result", result));
  }
}
