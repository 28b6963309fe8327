package io.rms.service.registry;

import java.security.SecureRandom;
import java.util.Base64;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/** Generates, hashes and checks API keys; keys are stored only as {@code {bcrypt}} hashes. */
@Component
public class ApiKeys {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final PasswordEncoder encoder =
      PasswordEncoderFactories.createDelegatingPasswordEncoder();
  private final BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder();

  /** A new random key: {@code rms_} and 32 random bytes, URL-safe base64. */
  public String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "rms_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The stored form of a configured key: hashes kept as they are, plain keys hashed (dev). */
  public String hashIfPlain(String configured) {
    if (configured.startsWith("{")) {
      return configured;
    }
    return "{bcrypt}" + bcrypt.encode(configured);
  }

  /** True when {@code key} matches the stored {@code hash}. */
  public boolean matches(String key, String hash) {
    try {
      return encoder.matches(key, hash);
    } catch (IllegalArgumentException unknownFormat) {
      return false;
    }
  }
}
