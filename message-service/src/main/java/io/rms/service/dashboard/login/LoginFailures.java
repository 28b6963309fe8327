package io.rms.service.dashboard.login;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

/**
 * Where a failed form login goes, without creating a session: a wrong password back to the login
 * page with an error; a throttled login gets the login page itself with {@code 429} and {@code
 * Retry-After}, saying when to try again.
 */
final class LoginFailures implements AuthenticationFailureHandler {
  /** The request attribute that tells the login page how many seconds to wait. */
  static final String RETRY_AFTER = "rmsLoginRetryAfter";

  private final String loginPage;

  LoginFailures(String loginPage) {
    this.loginPage = loginPage;
  }

  @Override
  public void onAuthenticationFailure(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException, ServletException {
    if (e instanceof LoginThrottledException throttled) {
      long seconds = throttled.retryAfterSeconds();
      response.setStatus(429);
      response.setHeader("Retry-After", String.valueOf(seconds));
      request.setAttribute(RETRY_AFTER, seconds);
      request.getRequestDispatcher(loginPage).forward(new AsGet(request), response);
    } else {
      response.sendRedirect(request.getContextPath() + loginPage + "?error");
    }
  }

  /** The login form's post, shown the login page as a GET of it would be. */
  private static final class AsGet extends HttpServletRequestWrapper {
    AsGet(HttpServletRequest request) {
      super(request);
    }

    @Override
    public String getMethod() {
      return "GET";
    }
  }
}
