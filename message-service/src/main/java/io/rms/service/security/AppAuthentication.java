package io.rms.service.security;

import io.rms.service.registry.AppInfo;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** An authenticated app; its roles become {@code ROLE_*} authorities (plus {@code ROLE_APP}). */
final class AppAuthentication extends AbstractAuthenticationToken {
  private final AppInfo app;

  AppAuthentication(AppInfo app) {
    super(
        java.util.stream.Stream.concat(java.util.stream.Stream.of("APP"), app.roles().stream())
            .map(role -> new SimpleGrantedAuthority("ROLE_" + role))
            .toList());
    this.app = app;
    setAuthenticated(true);
  }

  @Override
  public Object getCredentials() {
    return "";
  }

  @Override
  public AppInfo getPrincipal() {
    return app;
  }

  @Override
  public String getName() {
    return app.id();
  }

  List<String> roles() {
    return List.copyOf(app.roles());
  }
}
