package io.rms.service.security;

import io.rms.api.ErrorCode;
import io.rms.service.problem.ProblemJson;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads {@code Authorization: Bearer <api-key>} and authenticates the app that holds the key. A
 * wrong key counts against the client address's allowance of failed authentications; an address
 * that used it up gets {@code 429 too-many-failed-auth} for every key that is not a valid key with
 * a key id (so a key without one is then not even checked).
 */
final class ApiKeyFilter extends OncePerRequestFilter {
  private static final Logger log = LoggerFactory.getLogger(ApiKeyFilter.class);
  private static final String BEARER = "Bearer ";
  private final ApiKeyAuthenticator authenticator;
  private final FailedAuthLimiter limiter;

  ApiKeyFilter(ApiKeyAuthenticator authenticator, FailedAuthLimiter limiter) {
    this.authenticator = authenticator;
    this.limiter = limiter;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      String key = header.substring(BEARER.length()).trim();
      String address = request.getRemoteAddr();
      boolean exhausted = limiter.exhausted(address);
      Optional<io.rms.service.registry.AppInfo> app =
          exhausted && !ApiKeyAuthenticator.cheapToCheck(key)
              ? Optional.empty()
              : authenticator.authenticate(key);
      if (app.isEmpty()) {
        limiter.failed(address);
        if (exhausted) {
          response.setHeader("Retry-After", "60");
          ProblemJson.write(
              request,
              response,
              ErrorCode.TOO_MANY_FAILED_AUTH,
              "Too Many Requests",
              "too many failed authentications from this address; try again later");
          return;
        }
      } else {
        AppAuthentication authentication = new AppAuthentication(app.get());
        SecurityContextHolder.getContext().setAuthentication(authentication);
        log.trace("authenticated {}", authentication); // prints no key, hash or secret
      }
    }
    chain.doFilter(request, response);
  }
}
