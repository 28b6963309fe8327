package io.rms.service.dashboard.users;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.core.GrantedAuthority;
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
 * Roles of users who log in through OIDC. A dashboard user is linked to one identity-provider
 * account by (issuer, subject); the link is made at the first login whose {@code email} claim, with
 * {@code email_verified} true, equals the name of a dashboard user not linked yet. A linked user
 * logs in with its name and role (deactivated: refused). Names the provider lets its users choose
 * ({@code preferred_username}, an unverified email) give nothing. Anyone else gets {@code
 * rms.dashboard.oidc.default-role}: {@code NONE} (refused) unless set, and the name {@code
 * oidc:<subject>}, which no dashboard user can have.
 */
@Component
public class OidcUsers implements OAuth2UserService<OidcUserRequest, OidcUser> {
  private final OidcUserService delegate = new OidcUserService();
  private final DashboardUsers users;
  private final String defaultRole;

  OidcUsers(
      DashboardUsers users, @Value("${rms.dashboard.oidc.default-role:NONE}") String defaultRole) {
    this.users = users;
    this.defaultRole = defaultRole.trim().toUpperCase(Locale.ROOT);
  }

  @Override
  public OidcUser loadUser(OidcUserRequest request) {
    OidcUser user = delegate.loadUser(request);
    Identity identity = identify(user);
    return new Linked(
        AuthorityUtils.createAuthorityList(identity.role().authorities()), user, identity.name());
  }

  /** The dashboard name and role of an identity-provider account. */
  record Identity(String name, Role role) {}

  Identity identify(OidcUser user) {
    String issuer = String.valueOf(user.getIdToken().getIssuer());
    String subject = user.getSubject();
    Optional<DashboardUser> known = users.findByOidc(issuer, subject);
    if (known.isEmpty() && Boolean.TRUE.equals(user.getEmailVerified())) {
      String email = user.getClaimAsString(StandardClaimNames.EMAIL);
      if (email != null && DashboardUsers.USERNAME.matcher(email).matches()) {
        known = users.linkOidc(email, issuer, subject);
      }
    }
    if (known.isPresent()) {
      if (!known.get().active()) {
        throw refused("user " + known.get().username() + " is deactivated");
      }
      return new Identity(known.get().username(), known.get().role());
    }
    if ("NONE".equals(defaultRole)) {
      throw refused("this account is not linked to a dashboard user");
    }
    return new Identity("oidc:" + subject, Role.valueOf(defaultRole));
  }

  private static OAuth2AuthenticationException refused(String why) {
    return new OAuth2AuthenticationException(new OAuth2Error("access_denied", why, null));
  }

  /** The provider's user under its dashboard name. */
  private static final class Linked extends DefaultOidcUser {
    private final String name;

    Linked(Collection<? extends GrantedAuthority> authorities, OidcUser user, String name) {
      super(authorities, user.getIdToken(), user.getUserInfo(), StandardClaimNames.SUB);
      this.name = name;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Linked linked && linked.name.equals(name) && super.equals(other);
    }

    @Override
    public int hashCode() {
      return 31 * super.hashCode() + name.hashCode();
    }
  }
}
