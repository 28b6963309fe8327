package io.rms.service.dashboard;

import io.rms.service.dashboard.login.DashboardLogin;
import io.rms.service.dashboard.users.DashboardUsers;
import io.rms.service.dashboard.users.OidcUsers;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.authentication.builders.AuthenticationManagerBuilder;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.savedrequest.CookieRequestCache;

/**
 * The dashboard's chain, between the API chains and the deny-all chain: form login with a session,
 * CSRF protection on every form and htmx request, logout, optional OIDC login, and the roles VIEWER
 * (read), OPERATOR (act on messages) and ADMIN (registry and users) on the URL space.
 *
 * <p>No session before login: the CSRF token, the page that asked for the login and a started OIDC
 * login's authorization request are kept in cookies, so anonymous requests write nothing to the
 * session store. Logins are throttled and audited, and a user's sessions are capped ({@link
 * DashboardLogin}).
 */
@Configuration(proxyBeanMethods = false)
class DashboardSecurity {
  private static final Logger log = LoggerFactory.getLogger(DashboardSecurity.class);

  /** Where the login page's "sign in with ..." links start the OIDC login. */
  static final String OIDC_AUTHORIZATION = "/dashboard/oauth2/authorization";

  /** Where the identity provider sends the browser back, {@code <this>/<registrationId>}. */
  static final String OIDC_CALLBACK = "/dashboard/login/oauth2/code";

  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

  @Bean
  @Order(50)
  SecurityFilterChain dashboardChain(
      HttpSecurity http,
      DashboardUsers users,
      OidcUsers oidcUsers,
      DashboardLogin login,
      ObjectProvider<ClientRegistrationRepository> oidc)
      throws Exception {
    if (oidc.getIfAvailable() != null) {
      // optional OIDC login, when spring.security.oauth2.client.registration.* is configured;
      // its endpoints live under /dashboard so this chain handles them; the authorization request
      // waits for the callback in a sealed cookie, not in a session
      http.oauth2Login(
          o ->
              o.loginPage("/dashboard/login")
                  .authorizationEndpoint(
                      a ->
                          a.baseUri(OIDC_AUTHORIZATION)
                              .authorizationRequestRepository(login.oidcRequests(OIDC_CALLBACK)))
                  .redirectionEndpoint(r -> r.baseUri(OIDC_CALLBACK + "/*"))
                  .userInfoEndpoint(u -> u.oidcUserService(oidcUsers))
                  .defaultSuccessUrl("/dashboard", false)
                  .failureHandler(
                      (request, response, e) -> {
                        log.info("OIDC login refused: {}", e.getMessage());
                        response.sendRedirect(request.getContextPath() + "/dashboard/login?error");
                      }));
    }
    DaoAuthenticationProvider provider = new DaoAuthenticationProvider(users);
    provider.setPasswordEncoder(users.encoder());
    // no global AuthenticationManager behind this chain's: the one Spring Security builds from the
    // UserDetailsService bean would check again, outside the throttle, every password refused here
    http.getSharedObject(AuthenticationManagerBuilder.class).parentAuthenticationManager(null);
    // after login, back to the page that asked for it, without a "?continue" marker in its URL
    LoginUrlAuthenticationEntryPoint loginPage =
        new LoginUrlAuthenticationEntryPoint("/dashboard/login");
    AuthenticationEntryPoint toLogin =
        (request, response, e) -> {
          if (request.getHeader("HX-Request") != null) {
            toLoginFromHtmx(request, response);
          } else {
            loginPage.commence(request, response, e);
          }
        };
    CookieRequestCache requestCache = new CookieRequestCache();
    requestCache.setCookieCustomizer(c -> c.setAttribute("SameSite", "Lax"));
    CookieCsrfTokenRepository csrfTokens = new CookieCsrfTokenRepository();
    csrfTokens.setCookieCustomizer(c -> c.sameSite("Lax"));
    return http.securityMatcher("/dashboard", "/dashboard/**", "/webjars/**")
        .authenticationProvider(login.throttled(provider))
        .csrf(c -> c.csrfTokenRepository(csrfTokens))
        .sessionManagement(s -> s.sessionAuthenticationStrategy(login.atLogin()))
        .authorizeHttpRequests(
            a ->
                a.requestMatchers("/dashboard/login", "/dashboard/static/**", "/webjars/**")
                    .permitAll()
                    .requestMatchers("/dashboard/admin/**")
                    .hasRole("ADMIN")
                    .requestMatchers(HttpMethod.POST, "/dashboard/actions/**")
                    .hasRole("OPERATOR")
                    .anyRequest()
                    .hasRole("VIEWER"))
        .requestCache(r -> r.requestCache(requestCache))
        .formLogin(
            f ->
                f.loginPage("/dashboard/login")
                    .loginProcessingUrl("/dashboard/login")
                    .defaultSuccessUrl("/dashboard", false)
                    .failureHandler(login.failures("/dashboard/login")))
        .logout(l -> l.logoutUrl("/dashboard/logout").logoutSuccessUrl("/dashboard/login?logout"))
        .exceptionHandling(
            e -> e.authenticationEntryPoint(toLogin).accessDeniedPage("/dashboard/denied"))
        .headers(
            h -> h.contentSecurityPolicy(c -> c.policyDirectives(CSP)).frameOptions(f -> f.deny()))
        .build();
  }

  /**
   * An htmx request (the overview's polling) whose session expired: instead of a redirect whose
   * login page htmx would swap into the panel, 401 and {@code HX-Redirect}, so the whole page goes
   * to the login form.
   */
  private static void toLoginFromHtmx(HttpServletRequest request, HttpServletResponse response) {
    response.setHeader("HX-Redirect", request.getContextPath() + "/dashboard/login");
    response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
  }
}
