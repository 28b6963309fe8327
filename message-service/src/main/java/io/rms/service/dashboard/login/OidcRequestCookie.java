package io.rms.service.dashboard.login;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.security.oauth2.client.web.AuthorizationRequestRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;

/**
 * Keeps the OIDC login's authorization request between its start and the provider's callback in a
 * sealed cookie instead of an HTTP session, so starting a login writes no session row. The cookie
 * is HttpOnly, SameSite=Lax (the callback is a top-level GET from the provider), Secure when the
 * request is, sent only to the callback path, and removed when the callback loads it. One login at
 * a time per browser: a second start replaces the first one's cookie.
 */
final class OidcRequestCookie
    implements AuthorizationRequestRepository<OAuth2AuthorizationRequest> {
  static final String NAME = "RMS_OIDC_REQUEST";
  private static final Logger log = LoggerFactory.getLogger(OidcRequestCookie.class);

  private final SealedAuthorizationRequest sealed;
  private final String callbackPath;

  /**
   * @param callbackPath the path of the provider's callback (below the context path), e.g. {@code
   *     /dashboard/login/oauth2/code}
   */
  OidcRequestCookie(SealedAuthorizationRequest sealed, String callbackPath) {
    this.sealed = sealed;
    this.callbackPath = callbackPath;
  }

  @Override
  public OAuth2AuthorizationRequest loadAuthorizationRequest(HttpServletRequest request) {
    String state = request.getParameter(OAuth2ParameterNames.STATE);
    String value = cookie(request);
    if (state == null || value == null) {
      return null;
    }
    Optional<OAuth2AuthorizationRequest> opened = sealed.open(value);
    if (opened.isEmpty()) {
      log.debug("OIDC authorization request cookie refused: bad MAC, malformed or expired");
      return null;
    }
    if (!state.equals(opened.get().getState())) {
      log.debug("OIDC authorization request cookie refused: made for another state");
      return null;
    }
    return opened.get();
  }

  @Override
  public void saveAuthorizationRequest(
      OAuth2AuthorizationRequest authorizationRequest,
      HttpServletRequest request,
      HttpServletResponse response) {
    if (authorizationRequest == null) {
      write(request, response, "", Duration.ZERO);
      return;
    }
    write(request, response, sealed.seal(authorizationRequest), sealed.ttl());
  }

  @Override
  public OAuth2AuthorizationRequest removeAuthorizationRequest(
      HttpServletRequest request, HttpServletResponse response) {
    OAuth2AuthorizationRequest loaded = loadAuthorizationRequest(request);
    if (cookie(request) != null) {
      write(request, response, "", Duration.ZERO);
    }
    return loaded;
  }

  private static String cookie(HttpServletRequest request) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return null;
    }
    for (Cookie cookie : cookies) {
      if (NAME.equals(cookie.getName())) {
        return cookie.getValue();
      }
    }
    return null;
  }

  private void write(
      HttpServletRequest request, HttpServletResponse response, String value, Duration maxAge) {
    ResponseCookie cookie =
        ResponseCookie.from(NAME, value)
            .path(request.getContextPath() + callbackPath)
            .maxAge(maxAge)
            .httpOnly(true)
            .secure(request.isSecure())
            .sameSite("Lax")
            .build();
    response.addHeader(HttpHeaders.SET_COOKIE, cookie.toString());
  }
}
