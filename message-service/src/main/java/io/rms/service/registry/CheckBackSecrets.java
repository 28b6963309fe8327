package io.rms.service.registry;

import java.nio.charset.StandardCharsets;

/**
 * The rule for check-back signing secrets: at least {@value #MIN_BYTES} bytes (UTF-8), the size of
 * the HMAC-SHA256 key that a shorter, guessable secret would weaken. Applied to configuration, to
 * every admin registration, and at start-up to the secrets already stored.
 */
public final class CheckBackSecrets {
  /** The shortest secret accepted, in bytes. */
  public static final int MIN_BYTES = 32;

  private CheckBackSecrets() {}

  /** Why the secret is refused, or null when it is long enough (or not given: null or blank). */
  public static String refusal(String secret) {
    if (secret == null || secret.isBlank()) {
      return null;
    }
    int bytes = secret.trim().getBytes(StandardCharsets.UTF_8).length;
    if (bytes >= MIN_BYTES) {
      return null;
    }
    return "the check-back secret has "
        + bytes
        + " bytes, at least "
        + MIN_BYTES
        + " are needed (e.g. openssl rand -hex 32)";
  }
}
