package io.rms.service.dashboard.users;

import io.rms.service.problem.RmsProblem;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.stereotype.Service;

/**
 * The dashboard's users in table {@code dashboard_user}; passwords are stored as {@code {bcrypt}}
 * hashes. Also the {@link UserDetailsService} of the dashboard's form login. A change of a user's
 * role, active state or password ends all of the user's sessions (they live in PostgreSQL, so on
 * every replica): the next request of a demoted or deactivated user goes to the login page.
 */
@Service
public class DashboardUsers implements UserDetailsService {
  /** Usernames: letters, digits and {@code . _ @ -}, 1 to 64 characters. */
  public static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  private static final Pattern BCRYPT =
      Pattern.compile("\\{bcrypt\\}\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}");

  /** Shortest password accepted for new users and resets. */
  public static final int MIN_PASSWORD = 10;

  private final JdbcTemplate jdbc;
  private final FindByIndexNameSessionRepository<? extends Session> sessions;
  private final PasswordEncoder encoder =
      PasswordEncoderFactories.createDelegatingPasswordEncoder();

  DashboardUsers(JdbcTemplate jdbc, FindByIndexNameSessionRepository<? extends Session> sessions) {
    this.jdbc = jdbc;
    this.sessions = sessions;
  }

  /** Ends every session of the user (on every replica); answers how many there were. */
  public int expireSessions(String username) {
    Set<String> ids = sessions.findByPrincipalName(username).keySet();
    ids.forEach(sessions::deleteById);
    return ids.size();
  }

  /** The password encoder of the stored hashes. */
  public PasswordEncoder encoder() {
    return encoder;
  }

  @Override
  public UserDetails loadUserByUsername(String username) {
    List<UserDetails> found =
        jdbc.query(
            "select username, password_hash, role, active from dashboard_user where username = ?",
            (rs, i) ->
                User.withUsername(rs.getString("username"))
                    .password(rs.getString("password_hash"))
                    .authorities(
                        AuthorityUtils.createAuthorityList(
                            Role.valueOf(rs.getString("role")).authorities()))
                    .disabled(!rs.getBoolean("active"))
                    .build(),
            username);
    if (found.isEmpty()) {
      throw new UsernameNotFoundException("no such user");
    }
    return found.get(0);
  }

  /** Every user, by name. */
  public List<DashboardUser> list() {
    return jdbc.query(
        "select username, role, active, created_at from dashboard_user order by username limit 1000",
        (rs, i) ->
            new DashboardUser(
                rs.getString("username"),
                Role.valueOf(rs.getString("role")),
                rs.getBoolean("active"),
                rs.getTimestamp("created_at").toInstant()));
  }

  /** One user. */
  public Optional<DashboardUser> find(String username) {
    return list().stream().filter(u -> u.username().equals(username)).findFirst();
  }

  /** The user linked to this identity-provider account. */
  public Optional<DashboardUser> findByOidc(String issuer, String subject) {
    return jdbc
        .query(
            """
            select username, role, active, created_at from dashboard_user
             where oidc_issuer = ? and oidc_subject = ?
            """,
            DashboardUsers::user,
            issuer,
            subject)
        .stream()
        .findFirst();
  }

  /**
   * Links the user named {@code email} to this identity-provider account, if that user is linked to
   * none yet (compare-and-set), and answers it; empty when there is no such user or it is already
   * linked to another account.
   */
  public Optional<DashboardUser> linkOidc(String email, String issuer, String subject) {
    return jdbc
        .query(
            """
            update dashboard_user set oidc_issuer = ?, oidc_subject = ?, updated_at = now()
             where username = ? and oidc_issuer is null
            returning username, role, active, created_at
            """,
            DashboardUsers::user,
            issuer,
            subject,
            email)
        .stream()
        .findFirst();
  }

  private static DashboardUser user(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
    return new DashboardUser(
        rs.getString("username"),
        Role.valueOf(rs.getString("role")),
        rs.getBoolean("active"),
        rs.getTimestamp("created_at").toInstant());
  }

  /** True when at least one active admin exists. */
  public boolean hasActiveAdmin() {
    return Boolean.TRUE.equals(
        jdbc.queryForObject(
            "select exists (select 1 from dashboard_user where role = 'ADMIN' and active)",
            Boolean.class));
  }

  /** Creates a user; the name must be new. */
  public void create(String username, String password, Role role) {
    checkName(username);
    checkPassword(password);
    try {
      jdbc.update(
          "insert into dashboard_user (username, password_hash, role) values (?, ?, ?)",
          username,
          encoder.encode(password),
          role.name());
    } catch (DuplicateKeyException e) {
      throw RmsProblem.invalid("user " + username + " already exists");
    }
  }

  /**
   * Creates or updates a user from configuration: {@code password} is a plain value (hashed here)
   * or an already encoded {@code {bcrypt}...} hash; the user becomes an active admin. Any other
   * stored form ({@code {noop}}, {@code {sha256}}, ...) is refused.
   *
   * @throws IllegalStateException for a hash this service does not produce
   */
  public void upsertAdmin(String username, String password) {
    checkName(username);
    String hash = password.startsWith("{") ? checkedHash(password) : encoder.encode(password);
    jdbc.update(
        """
        insert into dashboard_user (username, password_hash, role) values (?, ?, 'ADMIN')
        on conflict (username) do update
           set password_hash = excluded.password_hash, role = 'ADMIN', active = true,
               updated_at = now()
        """,
        username,
        hash);
  }

  /**
   * Changes a user's role and whether it may log in; when either changed, the user's sessions end.
   */
  public void update(String username, Role role, boolean active) {
    int changed =
        jdbc.update(
            """
            update dashboard_user set role = ?, active = ?, updated_at = now()
             where username = ? and (role <> ? or active <> ?)
            """,
            role.name(),
            active,
            username,
            role.name(),
            active);
    if (changed == 1) {
      expireSessions(username);
    } else if (find(username).isEmpty()) {
      throw RmsProblem.notFound(username);
    }
  }

  /** Sets a new password; the user's sessions end. */
  public void resetPassword(String username, String password) {
    checkPassword(password);
    int changed =
        jdbc.update(
            "update dashboard_user set password_hash = ?, updated_at = now() where username = ?",
            encoder.encode(password),
            username);
    if (changed != 1) {
      throw RmsProblem.notFound(username);
    }
    expireSessions(username);
  }

  /** A configured hash must be one this service produces: bcrypt. */
  private static String checkedHash(String configured) {
    if (!BCRYPT.matcher(configured).matches()) {
      throw new IllegalStateException(
          "rms.dashboard.admin.password: a hashed value must be {bcrypt}<bcrypt hash>, the only"
              + " hash this service produces; give the plain password to have it hashed");
    }
    return configured;
  }

  private static void checkName(String username) {
    if (username == null || !USERNAME.matcher(username).matches()) {
      throw RmsProblem.invalid("username: 1 to 64 letters, digits or . _ @ -");
    }
  }

  private static void checkPassword(String password) {
    if (password == null || password.length() < MIN_PASSWORD) {
      throw RmsProblem.invalid("password: at least " + MIN_PASSWORD + " characters");
    }
  }
}
