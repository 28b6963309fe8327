package io.rms.service.dashboard.login;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;

/**
 * At login, ends the user's least recently used sessions (on every replica: they live in
 * PostgreSQL) so that with the new one the user holds at most {@code max}.
 */
final class SessionLimit implements SessionAuthenticationStrategy {
  private final FindByIndexNameSessionRepository<? extends Session> sessions;
  private final int max;

  SessionLimit(FindByIndexNameSessionRepository<? extends Session> sessions, int max) {
    this.sessions = sessions;
    this.max = max;
  }

  @Override
  public void onAuthentication(
      Authentication authentication, HttpServletRequest request, HttpServletResponse response) {
    HttpSession current = request.getSession(false);
    String currentId = current == null ? null : current.getId();
    List<? extends Session> others =
        sessions.findByPrincipalName(authentication.getName()).entrySet().stream()
            .filter(e -> !e.getKey().equals(currentId))
            .map(Map.Entry::getValue)
            .sorted(Comparator.comparing(Session::getLastAccessedTime))
            .toList();
    int excess = others.size() - (max - 1);
    for (int i = 0; i < excess; i++) {
      sessions.deleteById(others.get(i).getId());
    }
  }
}
