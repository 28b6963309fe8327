package io.rms.service.dashboard.users;

import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.StandardClaimNames;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Component;

/**
 * Roles of users who log in through OIDC. The user's name is the {@code preferred_username} claim
 * (else {@code email}, else {@code sub}); a dashboard user of that name gives its role (and, when
 * deactivated, refuses the login); anyone else gets {@code rms.dashboard.oidc.default-role} (VIEWER
 * unless set; {@code NONE} refuses unknown users).
 */
@Component
public class OidcUsers implements OAuth2UserService<OidcUserRequest, OidcUser> {
  private final OidcUserService delegate = new OidcUserService();
  private final DashboardUsers users;
  private final String defaultRole;

  OidcUsers(
      DashboardUsers users,
      @Value("${rms.dashboard.oidc.default-role:VIEWER}") String defaultRole) {
    this.users = users;
    this.defaultRole = defaultRole.trim().toUpperCase(java.util.Locale.ROOT);
  }

  @Override
  public OidcUser loadUser(OidcUserRequest request) {
    OidcUser user = delegate.loadUser(request);
    String nameClaim =
        user.getClaimAsString(StandardClaimNames.PREFERRED_USERNAME) != null
            ? StandardClaimNames.PREFERRED_USERNAME
            : user.getClaimAsString(StandardClaimNames.EMAIL) != null
                ? StandardClaimNames.EMAIL
                : StandardClaimNames.SUB;
    Role role = roleOf(user.getClaimAsString(nameClaim));
    return new DefaultOidcUser(
        AuthorityUtils.createAuthorityList(role.authorities()),
        user.getIdToken(),
        user.getUserInfo(),
        nameClaim);
  }

  /** The role of a user of this name who logged in through the identity provider. */
  Role roleOf(String username) {
    Optional<DashboardUser> known = users.find(username);
    if (known.isPresent()) {
      if (!known.get().active()) {
        throw refused("user " + username + " is deactivated");
      }
      return known.get().role();
    }
    if ("NONE".equals(defaultRole)) {
      throw refused("user " + username + " has no dashboard account");
    }
    return Role.valueOf(defaultRole);
  }

  private static OAuth2AuthenticationException refused(String why) {
    return new OAuth2AuthenticationException(new OAuth2Error("access_denied", why, null));
  }
}
