package io.rms.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import io.rms.producer.internal.CheckBackController;
import io.rms.producer.internal.CheckBackSignature;
import io.rms.service.testing.Refusals;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The producer's check-back endpoint refuses every call that the service with the shared secret did
 * not just make: other secrets, tampered bodies or timestamps, missing or malformed signatures,
 * stale or future timestamps, replays (also re-cased or re-formatted to dodge the replay memory)
 * and oversized bodies. A refused call never reaches the resolver. Signatures are computed here as
 * docs/design.md §8 describes them, independently of the SDK.
 */
class CheckBackRefusalTest {
  static final String CALLS = "forged, tampered, stale or replayed check-back calls (producer SDK)";

  private static final Refusals refusals = new Refusals();
  private static final String SECRET = "s3cret-shared-with-the-service";
  private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  private static final String TS = String.valueOf(NOW.getEpochSecond());

  private final AtomicInteger resolved = new AtomicInteger();
  private MockMvc mvc;
  private int bodies;

  @AfterAll
  static void tally() {
    refusals.report();
  }

  @BeforeEach
  void endpoint() {
    mvc =
        CheckBackEndpoint.committing(
            new CheckBackSignature(SECRET, Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC)),
            resolved);
  }

  /** A fresh body each time, so only a replay repeats a signature. */
  private String body() {
    return "{\"messageId\":\"0193a0b0-0000-7000-8000-00000000000"
        + (++bodies % 10)
        + "\",\"producerMessageId\":\"order-"
        + bodies
        + "\",\"topic\":\"order.created\",\"businessKey\":\"1\","
        + "\"preparedAt\":\"2026-11-21T11:59:00Z\",\"checkCount\":1}";
  }

  static String hmac(String algorithm, String secret, String timestamp, String body) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
      return HexFormat.of()
          .formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String sign(String secret, String timestamp, String body) {
    return "sha256=" + hmac("HmacSHA256", secret, timestamp, body);
  }

  private MockHttpServletResponse call(String timestamp, String signature, String body) {
    try {
      var request = post("/rms/check-back").contentType(MediaType.APPLICATION_JSON).content(body);
      if (timestamp != null) {
        request.header("X-RMS-Timestamp", timestamp);
      }
      if (signature != null) {
        request.header("X-RMS-Signature", signature);
      }
      return mvc.perform(request).andReturn().getResponse();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void refused(String what, String timestamp, String signature, String body) {
    refused(what, timestamp, signature, body, 401);
  }

  private void refused(String what, String timestamp, String signature, String body, int status) {
    refusals.attempt(
        CALLS,
        what,
        resolved::get,
        () -> assertThat(call(timestamp, signature, body).getStatus()).isEqualTo(status));
  }

  @Test
  void forgedOrTamperedCallsAreRefused() {
    String body = body();
    String good = sign(SECRET, TS, body);
    Map<String, String[]> forged = new LinkedHashMap<>();
    forged.put("signed with another secret", new String[] {TS, sign("guessed", TS, body), body});
    forged.put(
        "body tampered after signing",
        new String[] {TS, good, body.replace("\"checkCount\":1", "\"checkCount\":2")});
    forged.put("body with a space added", new String[] {TS, good, body + " "});
    String other = String.valueOf(NOW.getEpochSecond() - 1);
    forged.put("timestamp changed after signing", new String[] {other, good, body});
    forged.put("no signature", new String[] {TS, null, body});
    forged.put("no timestamp", new String[] {null, good, body});
    forged.put("neither", new String[] {null, null, body});
    forged.put("an all-zero signature", new String[] {TS, "sha256=" + "0".repeat(64), body});
    forged.put("a signature without 'sha256='", new String[] {TS, good.substring(7), body});
    forged.put(
        "an HMAC-SHA1 signature",
        new String[] {TS, "sha1=" + hmac("HmacSHA1", SECRET, TS, body), body});
    forged.put("a truncated signature", new String[] {TS, good.substring(0, 40), body});
    forged.put("an empty body", new String[] {TS, sign(SECRET, TS, ""), ""});
    forged.forEach((what, call) -> refused(what, call[0], call[1], call[2]));
  }

  @Test
  void staleFutureOrUnreadableTimestampsAreRefusedEvenWhenSignedCorrectly() {
    for (Duration offset : new Duration[] {Duration.ofMinutes(-6), Duration.ofMinutes(6)}) {
      String ts = String.valueOf(NOW.plus(offset).getEpochSecond());
      String body = body();
      refused("timestamp " + offset + " from now", ts, sign(SECRET, ts, body), body);
    }
    String oldMillis = String.valueOf(NOW.minus(Duration.ofHours(1)).toEpochMilli());
    String body = body();
    refused(
        "an hour-old timestamp in milliseconds", oldMillis, sign(SECRET, oldMillis, body), body);
    for (String ts : new String[] {"yesterday", "", "99999999999999999999"}) {
      String b = body();
      refused("timestamp '" + ts + "'", ts, sign(SECRET, ts, b), b);
    }
  }

  @Test
  void replaysAreRefusedAlsoWhenReCasedOrReformatted() {
    String body = body();
    String signature = sign(SECRET, TS, body);
    MockHttpServletResponse first = call(TS, signature, body);
    assertThat(first.getStatus()).as("the service's call").isEqualTo(200);
    assertThat(resolved).hasValue(1);

    refused("the same call again", TS, signature, body);
    refused("again with the signature padded", TS, "  " + signature + " ", body);
    refused("again with the hex upper-cased", TS, signature.toUpperCase(Locale.ROOT), body);
    refused("again with 'SHA256=' upper-cased", TS, "SHA256=" + signature.substring(7), body);
    refused(
        "again with the same instant in milliseconds",
        String.valueOf(NOW.toEpochMilli()),
        signature,
        body);
    refused("again with the same instant as ISO-8601", NOW.toString(), signature, body);
  }

  @Test
  void oversizedBodiesAreRefusedBeforeTheSignatureIsChecked() {
    String big = "{\"pad\":\"" + "x".repeat(CheckBackController.MAX_BODY_BYTES) + "\"}";
    refused("a body over 16 KiB, correctly signed", TS, sign(SECRET, TS, big), big, 413);
    String huge = "x".repeat(8 * 1024 * 1024);
    refused("an 8 MiB body, unsigned", TS, null, huge, 413);
    String fits = body();
    assertThat(call(TS, sign(SECRET, TS, fits), fits).getStatus()).isEqualTo(200);
  }
}
