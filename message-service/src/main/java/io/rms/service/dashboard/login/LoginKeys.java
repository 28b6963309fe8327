package io.rms.service.dashboard.login;

import java.security.SecureRandom;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Secret keys every replica shares: the first replica to ask for a name makes a random 256-bit key
 * ({@code insert ... on conflict do nothing}), every replica then reads the same row. Nothing to
 * configure; deleting the row and restarting every replica replaces a key.
 */
@Component
class LoginKeys {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final JdbcTemplate jdbc;

  LoginKeys(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** The shared key called {@code name}, made now if no replica made it yet. */
  byte[] shared(String name) {
    byte[] fresh = new byte[32];
    RANDOM.nextBytes(fresh);
    jdbc.update(
        "insert into login_key (name, secret) values (?, ?) on conflict (name) do nothing",
        name,
        fresh);
    return jdbc.queryForObject("select secret from login_key where name = ?", byte[].class, name);
  }
}
