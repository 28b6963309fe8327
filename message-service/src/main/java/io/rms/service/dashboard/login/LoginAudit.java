package io.rms.service.dashboard.login;

import io.rms.service.dashboard.users.DashboardUsers;
import io.rms.service.message.EventStore;
import io.rms.service.message.EventType;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Records failed dashboard logins as {@code LOGIN_FAILED} events: the name tried as actor ({@code
 * user:<name>}; a name no user can have is recorded as {@code user:?}), the client address and the
 * reason; never the password.
 */
@Component
class LoginAudit {
  private final EventStore events;

  LoginAudit(EventStore events) {
    this.events = events;
  }

  void failed(String username, String client, String reason) {
    String name = DashboardUsers.USERNAME.matcher(username).matches() ? username : "?";
    events.append(
        null,
        EventType.LOGIN_FAILED,
        null,
        "user:" + name,
        Map.of("action", "login", "client", client, "result", reason));
  }
}
