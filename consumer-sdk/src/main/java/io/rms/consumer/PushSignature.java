package io.rms.consumer;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks the signature of a push the service POSTed to a receiver (docs/security.md, "Push
 * signatures"). The service signs the bytes {@code <X-RMS-Timestamp> "." <body>} with HMAC-SHA256
 * keyed with the subscription's secret and sends {@code X-RMS-Signature: sha256=<hex>}; while two
 * secrets are valid (a rotation) the header carries one {@code sha256=<hex>} per secret,
 * comma-separated. A push is genuine when one entry matches one of the receiver's secrets and the
 * timestamp (Unix seconds) is within the tolerance of the receiver's clock (a replayed old push is
 * refused).
 *
 * <pre>{@code
 * boolean ok = PushSignature.verify(List.of(secret), request.getHeader("X-RMS-Timestamp"),
 *     request.getHeader("X-RMS-Signature"), body, Clock.systemUTC(), Duration.ofMinutes(5));
 * }</pre>
 *
 * Verify the raw body bytes as received, before parsing them.
 */
public final class PushSignature {
  private static final String PREFIX = "sha256=";

  private PushSignature() {}

  /**
   * True when the signature header holds an entry that is the HMAC of {@code timestamp + "." +
   * body} under one of {@code secrets} (compared in constant time) and the timestamp is within
   * {@code tolerance} of {@code clock}. Missing or malformed headers are false, never an exception.
   */
  public static boolean verify(
      List<String> secrets,
      String timestampHeader,
      String signatureHeader,
      byte[] body,
      Clock clock,
      Duration tolerance) {
    if (secrets == null || timestampHeader == null || signatureHeader == null || body == null) {
      return false;
    }
    String timestamp = timestampHeader.trim();
    Instant at;
    try {
      at = Instant.ofEpochSecond(Long.parseLong(timestamp));
    } catch (NumberFormatException | DateTimeException e) {
      return false;
    }
    if (Duration.between(at, clock.instant()).abs().compareTo(tolerance) > 0) {
      return false;
    }
    boolean matched = false;
    for (String secret : secrets) {
      if (secret == null || secret.isEmpty()) {
        continue;
      }
      byte[] expected = sign(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII);
      for (String entry : signatureHeader.split(",")) {
        // no early exit: every pair is compared, so timing says nothing about which matched
        matched |=
            MessageDigest.isEqual(expected, entry.trim().getBytes(StandardCharsets.US_ASCII));
      }
    }
    return matched;
  }

  /** {@link #verify(List, String, String, byte[], Clock, Duration)} with one secret. */
  public static boolean verify(
      String secret,
      String timestampHeader,
      String signatureHeader,
      byte[] body,
      Clock clock,
      Duration tolerance) {
    return verify(List.of(secret), timestampHeader, signatureHeader, body, clock, tolerance);
  }

  /**
   * The {@code sha256=<hex>} entry the service sends for this secret, timestamp (the header's text)
   * and body; for receivers' tests.
   */
  public static String sign(String secret, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) '.');
      return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
