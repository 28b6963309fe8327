package io.rms.service.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/** Reads {@code Authorization: Bearer <api-key>} and authenticates the app that holds the key. */
final class ApiKeyFilter extends OncePerRequestFilter {
  private static final Logger log = LoggerFactory.getLogger(ApiKeyFilter.class);
  private static final String BEARER = "Bearer ";
  private final ApiKeyAuthenticator authenticator;

  ApiKeyFilter(ApiKeyAuthenticator authenticator) {
    this.authenticator = authenticator;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      authenticator
          .authenticate(header.substring(BEARER.length()).trim())
          .ifPresent(
              app -> {
                AppAuthentication authentication = new AppAuthentication(app);
                SecurityContextHolder.getContext().setAuthentication(authentication);
                log.trace("authenticated {}", authentication); // prints no key, hash or secret
              });
    }
    chain.doFilter(request, response);
  }
}
