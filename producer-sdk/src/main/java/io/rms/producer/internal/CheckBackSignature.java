package io.rms.producer.internal;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies a check-back call: {@code X-RMS-Signature: sha256=<hex HMAC-SHA256(secret, timestamp +
 * "." + body)>} over the raw body, a {@code X-RMS-Timestamp} within {@code maxSkew} of now, and no
 * second use of the same signature while it is fresh. Also signs the answer, which the service
 * verifies: {@code sha256=<hex HMAC-SHA256(secret, timestamp + "." + messageId + "." + decision)>}
 * with the timestamp in epoch seconds.
 */
public final class CheckBackSignature {
  /** Why a call was accepted or not. */
  public enum Verdict {
    VALID,
    MISSING,
    STALE,
    FORGED,
    REPLAYED
  }

  private static final int PRUNE_ABOVE = 10_000;

  private final byte[] secret;
  private final Duration maxSkew;
  private final Clock clock;
  private final Map<String, Instant> seen = new ConcurrentHashMap<>();

  public CheckBackSignature(String secret, Duration maxSkew, Clock clock) {
    if (secret == null || secret.isBlank()) {
      throw new IllegalArgumentException("a check-back secret is required");
    }
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.maxSkew = maxSkew;
    this.clock = clock;
  }

  /** Checks one call; a valid call's signature is remembered so it cannot be replayed. */
  public Verdict verify(String timestamp, String signature, byte[] body) {
    if (timestamp == null || signature == null || body == null) {
      return Verdict.MISSING;
    }
    Instant now = clock.instant();
    Instant at = parse(timestamp);
    if (at == null || Duration.between(at, now).abs().compareTo(maxSkew) > 0) {
      return Verdict.STALE;
    }
    byte[] expected = sign(timestamp, body).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.US_ASCII))) {
      return Verdict.FORGED;
    }
    if (seen.size() > PRUNE_ABOVE) {
      seen.values().removeIf(expiry -> expiry.isBefore(now));
    }
    if (seen.putIfAbsent(signature.trim(), at.plus(maxSkew)) != null) {
      return Verdict.REPLAYED;
    }
    return Verdict.VALID;
  }

  /** The {@code X-RMS-Timestamp} and {@code X-RMS-Signature} of an answer. */
  public record AnswerSignature(String timestamp, String signature) {}

  /** Signs the answer {@code decision} to the check-back of {@code messageId}, now. */
  public AnswerSignature signAnswer(String messageId, String decision) {
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    return new AnswerSignature(
        timestamp, sign(timestamp, (messageId + "." + decision).getBytes(StandardCharsets.UTF_8)));
  }

  /** {@code sha256=<hex>} for this timestamp and body. */
  String sign(String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) '.');
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Epoch seconds, epoch milliseconds or ISO-8601; null if none of them. */
  static Instant parse(String timestamp) {
    String t = timestamp.trim();
    try {
      if (!t.isEmpty() && t.chars().allMatch(Character::isDigit) && t.length() <= 18) {
        long value = Long.parseLong(t);
        return value < 100_000_000_000L
            ? Instant.ofEpochSecond(value)
            : Instant.ofEpochMilli(value);
      }
      return Instant.parse(t);
    } catch (NumberFormatException | DateTimeParseException e) {
      return null;
    }
  }
}
