package io.rms.service.recovery;

import io.rms.service.outbound.HmacSignature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;

/**
 * The check-back signatures, {@code sha256=} and a hex HMAC-SHA256 keyed with the app's check-back
 * secret: the service's call signs {@code timestamp + "." + body}; the producer's answer signs
 * {@code timestamp + "." + messageId + "." + decision} (docs/recovery.md). A call's signed text
 * starts with the JSON body's <code>{</code> after the dot, an answer's with a message id, so
 * neither signature can stand in for the other.
 */
final class CheckBackSigner {
  private CheckBackSigner() {}

  /** How far an answer's timestamp may be from the service's clock. */
  static final Duration ANSWER_MAX_SKEW = Duration.ofMinutes(5);

  /** The {@code X-RMS-Signature} value for this timestamp and body. */
  static String signature(String secret, String timestamp, byte[] body) {
    return HmacSignature.of(secret, timestamp, body);
  }

  /** The {@code X-RMS-Signature} value of an answer. */
  static String answerSignature(
      String secret, String timestamp, String messageId, String decision) {
    return signature(
        secret, timestamp, (messageId + "." + decision).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Why an answer's signature is not acceptable, or null when it is: both headers present, the
   * timestamp (epoch seconds) within {@link #ANSWER_MAX_SKEW} of now, the signature equal in
   * constant time.
   */
  static String answerRefusal(
      String secret,
      String timestamp,
      String signature,
      String messageId,
      String decision,
      Instant now) {
    if (timestamp == null || signature == null) {
      return "answer not signed (X-RMS-Timestamp and X-RMS-Signature required)";
    }
    Instant at;
    try {
      at = Instant.ofEpochSecond(Long.parseLong(timestamp.trim()));
    } catch (NumberFormatException | java.time.DateTimeException e) {
      return "answer timestamp unreadable";
    }
    if (Duration.between(at, now).abs().compareTo(ANSWER_MAX_SKEW) > 0) {
      return "answer timestamp more than 5 minutes from now";
    }
    byte[] expected =
        answerSignature(secret, timestamp.trim(), messageId, decision)
            .getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.US_ASCII))) {
      return "answer signature invalid";
    }
    return null;
  }
}
