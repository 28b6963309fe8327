package io.rms.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.rms.producer.internal.CheckBackSignature;
import io.rms.producer.internal.CheckBackSignature.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The check-back endpoint answers only calls signed with the app's secret over this exact body and
 * a fresh timestamp, and only once per signature. Signatures here are computed independently of the
 * SDK, as docs/design.md §8 describes them.
 */
class CheckBackSignatureTest {
  private static final String SECRET = "s3cret";
  private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  private static final String BODY =
      "{\"messageId\":\"0193a0b0-0000-7000-8000-000000000001\",\"producerMessageId\":\"order-1\","
          + "\"topic\":\"order.created\",\"businessKey\":\"1\","
          + "\"preparedAt\":\"2026-11-21T11:59:00Z\",\"checkCount\":0}";

  private final AtomicInteger resolved = new AtomicInteger();
  private MockMvc mvc;

  static String sign(String secret, String timestamp, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] digest = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
    return "sha256=" + HexFormat.of().formatHex(digest);
  }

  private static CheckBackSignature verifier() {
    return new CheckBackSignature(SECRET, Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @BeforeEach
  void endpoint() {
    mvc = CheckBackEndpoint.committing(verifier(), resolved);
  }

  private org.springframework.test.web.servlet.ResultActions call(
      String timestamp, String signature, String body) throws Exception {
    var request = post("/rms/check-back").contentType(MediaType.APPLICATION_JSON).content(body);
    if (timestamp != null) {
      request.header("X-RMS-Timestamp", timestamp);
    }
    if (signature != null) {
      request.header("X-RMS-Signature", signature);
    }
    return mvc.perform(request);
  }

  @Test
  void correctlySignedFreshCallIsAnswered() throws Exception {
    String ts = String.valueOf(NOW.getEpochSecond());
    call(ts, sign(SECRET, ts, BODY), BODY)
        .andExpect(status().isOk())
        .andExpect(content().json("{\"decision\":\"COMMIT\"}"));
    assertThat(resolved).hasValue(1);
  }

  @Test
  void theAnswerIsSignedOverMessageIdDecisionAndTimestamp() throws Exception {
    String ts = String.valueOf(NOW.getEpochSecond());
    String answerTs = String.valueOf(NOW.getEpochSecond());
    call(ts, sign(SECRET, ts, BODY), BODY)
        .andExpect(status().isOk())
        .andExpect(header().string("X-RMS-Timestamp", answerTs))
        .andExpect(
            header()
                .string(
                    "X-RMS-Signature",
                    sign(SECRET, answerTs, "0193a0b0-0000-7000-8000-000000000001.COMMIT")));
  }

  @Test
  void refusedCallsCarryNoAnswerSignature() throws Exception {
    call(null, null, BODY)
        .andExpect(status().isUnauthorized())
        .andExpect(header().doesNotExist("X-RMS-Signature"));
  }

  @Test
  void callSignedWithAnotherSecretIsRejectedWithoutAsking() throws Exception {
    String ts = String.valueOf(NOW.getEpochSecond());
    call(ts, sign("guessed", ts, BODY), BODY).andExpect(status().isUnauthorized());
    assertThat(resolved).hasValue(0);
  }

  @Test
  void tamperedBodyIsRejected() throws Exception {
    String ts = String.valueOf(NOW.getEpochSecond());
    String signature = sign(SECRET, ts, BODY);
    call(ts, signature, BODY.replace("\"checkCount\":0", "\"checkCount\":1"))
        .andExpect(status().isUnauthorized());
    assertThat(resolved).hasValue(0);
  }

  @Test
  void unsignedCallIsRejected() throws Exception {
    call(null, null, BODY).andExpect(status().isUnauthorized());
    call(String.valueOf(NOW.getEpochSecond()), null, BODY).andExpect(status().isUnauthorized());
    assertThat(resolved).hasValue(0);
  }

  @Test
  void replayedCallIsRejected() throws Exception {
    String ts = String.valueOf(NOW.getEpochSecond());
    String signature = sign(SECRET, ts, BODY);
    call(ts, signature, BODY).andExpect(status().isOk());
    call(ts, signature, BODY).andExpect(status().isUnauthorized());
    assertThat(resolved).hasValue(1);
  }

  @Test
  void staleOrFutureTimestampIsRejectedEvenWhenSignedCorrectly() throws Exception {
    String old = String.valueOf(NOW.minus(Duration.ofMinutes(6)).getEpochSecond());
    String future = String.valueOf(NOW.plus(Duration.ofMinutes(6)).getEpochSecond());
    call(old, sign(SECRET, old, BODY), BODY).andExpect(status().isUnauthorized());
    call(future, sign(SECRET, future, BODY), BODY).andExpect(status().isUnauthorized());
    assertThat(resolved).hasValue(0);
  }

  @Test
  void timestampMayBeEpochSecondsMillisOrIso() throws Exception {
    CheckBackSignature v = verifier();
    byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
    for (String ts :
        new String[] {
          String.valueOf(NOW.getEpochSecond() - 10),
          String.valueOf(NOW.toEpochMilli()),
          NOW.toString()
        }) {
      assertThat(v.verify(ts, sign(SECRET, ts, BODY), body)).as(ts).isEqualTo(Verdict.VALID);
    }
    assertThat(v.verify("yesterday", sign(SECRET, "yesterday", BODY), body))
        .isEqualTo(Verdict.STALE);
  }

  @Test
  void verdictsNameTheReason() throws Exception {
    CheckBackSignature v = verifier();
    byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
    String ts = String.valueOf(NOW.getEpochSecond());
    assertThat(v.verify(ts, "sha256=" + "0".repeat(64), body)).isEqualTo(Verdict.FORGED);
    assertThat(v.verify(ts, null, body)).isEqualTo(Verdict.MISSING);
    String other = "{\"messageId\":\"" + UUID.randomUUID() + "\"}";
    assertThat(v.verify(ts, sign(SECRET, ts, other), other.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(Verdict.VALID);
  }
}
