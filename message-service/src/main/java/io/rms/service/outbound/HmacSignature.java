package io.rms.service.outbound;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of an outbound call: {@code sha256=} and the hex HMAC-SHA256 of {@code timestamp +
 * "." + body}, keyed with the UTF-8 bytes of a secret (check-back and push sign the same way).
 */
public final class HmacSignature {
  private HmacSignature() {}

  /** The {@code sha256=<hex>} value for this secret, timestamp and body. */
  public static String of(String secret, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) '.');
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /**
   * The {@code X-RMS-Signature} value while several secrets are valid: one {@code sha256=<hex>} per
   * secret, in the order given, comma-separated.
   */
  public static String header(java.util.List<String> secrets, String timestamp, byte[] body) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("no secret to sign with");
    }
    StringBuilder header = new StringBuilder();
    for (String secret : secrets) {
      if (header.length() > 0) {
        header.append(',');
      }
      header.append(of(secret, timestamp, body));
    }
    return header.toString();
  }
}
