package io.rms.service.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Generates, hashes and checks API keys.
 *
 * <p>A key names itself: {@code rms_<key id>_<secret>}, the key id 16 hex digits (64 random bits),
 * the secret 43 characters of URL-safe base64 (256 random bits). It is stored as {@code
 * {rms-sha256}<key id>:<hex SHA-256 of the secret>}: the key id finds the one app that holds it,
 * and a single SHA-256 compared in constant time checks it (a 256-bit random secret needs no slow
 * hash). Keys of any other form (plain keys configured in development, keys issued before key ids)
 * are stored as {@code {bcrypt}} hashes and only ever checked against those. No other stored form
 * is accepted ({@link #storedForm}).
 */
@Component
public class ApiKeys {
  /** The prefix of the stored form of a key with a key id. */
  public static final String IDENTIFIED = "{rms-sha256}";

  /** The prefix of the stored form of any other key. */
  public static final String BCRYPT = "{bcrypt}";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern KEY = Pattern.compile("rms_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");
  private static final Pattern STORED_IDENTIFIED =
      Pattern.compile(Pattern.quote(IDENTIFIED) + "([0-9a-f]{16}):([0-9a-f]{64})");
  private static final Pattern STORED_BCRYPT =
      Pattern.compile(Pattern.quote(BCRYPT) + "\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}");

  private final BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder();

  /** A key id and the secret of a key in the identified form. */
  public record IdentifiedKey(String keyId, String secret) {
    @Override
    public String toString() {
      return "IdentifiedKey[keyId=" + keyId + "]";
    }
  }

  /** A new random key with a key id. */
  public String generate() {
    byte[] id = new byte[8];
    byte[] secret = new byte[32];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(secret);
    return "rms_"
        + HexFormat.of().formatHex(id)
        + "_"
        + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  /** The key id and secret of a key in the identified form; empty for any other key. */
  public static Optional<IdentifiedKey> identify(String key) {
    Matcher m = KEY.matcher(key);
    return m.matches() ? Optional.of(new IdentifiedKey(m.group(1), m.group(2))) : Optional.empty();
  }

  /** The key id of a stored hash of the identified form; empty for a bcrypt hash. */
  public static Optional<String> keyIdOf(String stored) {
    Matcher m = STORED_IDENTIFIED.matcher(stored);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** The stored form of a key this service issued or was given in plain text. */
  public String hash(String key) {
    return identify(key)
        .map(k -> IDENTIFIED + k.keyId() + ":" + sha256Hex(k.secret()))
        .orElseGet(() -> BCRYPT + bcrypt.encode(key));
  }

  /**
   * The stored form of a configured key: a plain key is hashed ({@link #hash}); a value starting
   * with <code>{</code> must be a hash this service produces ({@code {rms-sha256}} or {@code
   * {bcrypt}}), anything else ({@code {noop}}, {@code {sha256}}, {@code {pbkdf2}}, ...) is refused
   * so that a key is never stored as given.
   *
   * @throws IllegalArgumentException naming the refused form (never the value)
   */
  public String storedForm(String configured) {
    if (!configured.startsWith("{")) {
      return hash(configured);
    }
    if (STORED_IDENTIFIED.matcher(configured).matches()
        || STORED_BCRYPT.matcher(configured).matches()) {
      return configured;
    }
    int end = configured.indexOf('}');
    String id = end > 0 && end < 32 ? configured.substring(0, end + 1) : "{...";
    throw new IllegalArgumentException(
        "a hashed value must be "
            + IDENTIFIED
            + "<key id>:<64 hex digits> or "
            + BCRYPT
            + "<bcrypt hash>; "
            + id
            + "... is not a hash this service produces (give the plain value to have it hashed)");
  }

  /** True when {@code key} matches the stored {@code hash} (of either form). */
  public boolean matches(String key, String hash) {
    Matcher stored = STORED_IDENTIFIED.matcher(hash);
    if (stored.matches()) {
      Optional<IdentifiedKey> identified = identify(key);
      return identified.isPresent()
          && identified.get().keyId().equals(stored.group(1))
          && secretMatches(identified.get().secret(), stored.group(2));
    }
    return hash.startsWith(BCRYPT) && bcryptMatches(key, hash.substring(BCRYPT.length()));
  }

  /** True when the secret's SHA-256 equals the stored hex digest (constant time). */
  public static boolean secretMatches(String secret, String storedHexDigest) {
    return MessageDigest.isEqual(
        sha256Hex(secret).getBytes(StandardCharsets.US_ASCII),
        storedHexDigest.getBytes(StandardCharsets.US_ASCII));
  }

  /** The hex SHA-256 digest of a stored hash of the identified form. */
  public static Optional<String> digestOf(String stored) {
    Matcher m = STORED_IDENTIFIED.matcher(stored);
    return m.matches() ? Optional.of(m.group(2)) : Optional.empty();
  }

  private boolean bcryptMatches(String key, String bcryptHash) {
    try {
      return bcrypt.matches(key, bcryptHash);
    } catch (IllegalArgumentException unknownFormat) {
      return false;
    }
  }

  private static String sha256Hex(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
