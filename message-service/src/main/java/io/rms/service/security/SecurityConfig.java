package io.rms.service.security;

import jakarta.servlet.DispatcherType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * Two chains: the stateless bearer chain for {@code /api/**} (no sessions, no CSRF: no cookies are
 * involved), and the rest (API docs, Swagger UI, health, info, Prometheus metrics) open for
 * reading; restrict the metrics port with a NetworkPolicy rather than credentials (see
 * docs/deploy.md).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

  /**
   * No observations of each security filter, authentication and authorization: together they cost
   * more than the API call they guard. The HTTP server observation ({@code http.server.requests})
   * still times every request.
   */
  @Bean
  static SecurityObservationSettings securityObservations() {
    return SecurityObservationSettings.noObservations();
  }

  @Bean
  @Order(1)
  SecurityFilterChain apiChain(
      HttpSecurity http, ApiKeyAuthenticator authenticator, FailedAuthLimiter limiter)
      throws Exception {
    ProblemResponses problems = new ProblemResponses();
    return http.securityMatcher("/api/**")
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(c -> c.disable())
        .httpBasic(b -> b.disable())
        .formLogin(f -> f.disable())
        .logout(l -> l.disable())
        .requestCache(r -> r.disable())
        // no anonymous user and no servlet API wrapper: every API call carries a key or gets 401
        .anonymous(a -> a.disable())
        .servletApi(s -> s.disable())
        .addFilterBefore(
            new ApiKeyFilter(authenticator, limiter), AnonymousAuthenticationFilter.class)
        .authorizeHttpRequests(
            a ->
                a.requestMatchers(HttpMethod.GET, "/api/v1/admin/subscriptions/*/held-keys")
                    .hasAnyRole("OPERATOR", "ADMIN")
                    .requestMatchers(
                        HttpMethod.POST,
                        "/api/v1/admin/subscriptions/*/pause",
                        "/api/v1/admin/subscriptions/*/resume")
                    .hasAnyRole("OPERATOR", "ADMIN")
                    .requestMatchers(
                        "/api/v1/admin/apps",
                        "/api/v1/admin/apps/**",
                        "/api/v1/admin/subscriptions",
                        "/api/v1/admin/subscriptions/**")
                    .hasRole("ADMIN")
                    .requestMatchers("/api/v1/admin/**")
                    .hasAnyRole("OPERATOR", "ADMIN")
                    // the async dispatch that writes a long poll's answer (a pull): its request
                    // was authenticated and authorized when it came in
                    .dispatcherTypeMatchers(DispatcherType.ASYNC)
                    .permitAll()
                    .anyRequest()
                    .hasRole("APP"))
        .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
        .build();
  }

  @Bean
  @Order(10)
  SecurityFilterChain publicChain(HttpSecurity http) throws Exception {
    return http.securityMatcher(
            "/v3/api-docs/**",
            "/swagger-ui/**",
            "/swagger-ui.html",
            "/actuator/health/**",
            "/actuator/info",
            "/actuator/prometheus",
            "/error")
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(c -> c.disable())
        .authorizeHttpRequests(a -> a.anyRequest().permitAll())
        .build();
  }

  @Bean
  @Order(100)
  SecurityFilterChain denyRest(HttpSecurity http) throws Exception {
    return http.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(c -> c.disable())
        .authorizeHttpRequests(a -> a.anyRequest().denyAll())
        .build();
  }
}
