package io.rms.service.dashboard.login;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.oauth2.client.web.AuthorizationRequestRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.session.ChangeSessionIdAuthenticationStrategy;
import org.springframework.security.web.authentication.session.CompositeSessionAuthenticationStrategy;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.stereotype.Component;

/** The parts the dashboard's security chain takes from this package. */
@Component
public class DashboardLogin {
  /** The request attribute with the seconds a throttled login must wait, for the login page. */
  public static final String RETRY_AFTER = LoginFailures.RETRY_AFTER;

  /** How long a started OIDC login may take to come back from the provider. */
  static final Duration OIDC_REQUEST_TTL = Duration.ofMinutes(10);

  /** The name of the shared key that seals OIDC authorization requests ({@link LoginKeys}). */
  static final String OIDC_REQUEST_KEY = "oidc-authorization-request";

  private final LoginThrottle throttle;
  private final LoginAudit audit;
  private final LoginProperties properties;
  private final FindByIndexNameSessionRepository<? extends Session> sessions;
  private final LoginKeys keys;
  private final Clock clock;

  DashboardLogin(
      LoginThrottle throttle,
      LoginAudit audit,
      LoginProperties properties,
      FindByIndexNameSessionRepository<? extends Session> sessions,
      LoginKeys keys,
      Clock clock) {
    this.throttle = throttle;
    this.audit = audit;
    this.properties = properties;
    this.sessions = sessions;
    this.keys = keys;
    this.clock = clock;
  }

  /** {@code passwords} behind the throttle, the hash-check cap and the audit of failures. */
  public AuthenticationProvider throttled(AuthenticationProvider passwords) {
    return new ThrottledLogin(passwords, throttle, audit::failed, properties);
  }

  /** Where failed logins go (no session is created for them). */
  public AuthenticationFailureHandler failures(String loginPage) {
    return new LoginFailures(loginPage);
  }

  /** At login: a new session id (against fixation), and the cap on the user's sessions. */
  public SessionAuthenticationStrategy atLogin() {
    return new CompositeSessionAuthenticationStrategy(
        List.of(
            new ChangeSessionIdAuthenticationStrategy(),
            new SessionLimit(sessions, properties.maxSessionsPerUser())));
  }

  /**
   * Where the OIDC login keeps its authorization request until the provider's callback at {@code
   * callbackPath}: a sealed cookie, not a session. Reads (or makes) the replicas' shared key.
   */
  public AuthorizationRequestRepository<OAuth2AuthorizationRequest> oidcRequests(
      String callbackPath) {
    SealedAuthorizationRequest sealed =
        new SealedAuthorizationRequest(keys.shared(OIDC_REQUEST_KEY), clock, OIDC_REQUEST_TTL);
    return new OidcRequestCookie(sealed, callbackPath);
  }
}
