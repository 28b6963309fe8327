package io.rms.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The push signature check against the test vector of docs/security.md ("Push signatures"). */
class PushSignatureTest {
  // the vector, as docs/security.md prints it (computed there with openssl dgst -sha256 -hmac)
  private static final String SECRET = "push-test-vector-secret-0123456789abcdef";
  private static final String PREVIOUS = "push-test-vector-previous-secret-fedcba9876543210";
  private static final String TIMESTAMP = "1765000000";
  private static final byte[] BODY =
      "{\"id\":\"01938c7e-4f00-7000-8000-000000000001\",\"topic\":\"order.created\",\"payload\":{\"orderId\":42}}"
          .getBytes(StandardCharsets.UTF_8);
  private static final String SIGNATURE =
      "sha256=9b9be46c58dd215d49bd803e87d1acb84aaefdae271495efd8e62a860c83eb55";
  private static final String PREVIOUS_SIGNATURE =
      "sha256=4477393f62db64ec8a35fb240db0556897e671eca8bc7bcdb3fa4f5cb8f9b19b";
  private static final Clock AT_VECTOR =
      Clock.fixed(Instant.ofEpochSecond(1765000000L + 30), ZoneOffset.UTC);
  private static final Duration TOLERANCE = Duration.ofMinutes(5);

  @Test
  void theDocumentedVectorSignsTimestampDotBody() {
    assertThat(PushSignature.sign(SECRET, TIMESTAMP, BODY)).isEqualTo(SIGNATURE);
    assertThat(PushSignature.sign(PREVIOUS, TIMESTAMP, BODY)).isEqualTo(PREVIOUS_SIGNATURE);
  }

  @Test
  void aMatchingSignatureWithinTheToleranceIsGenuine() {
    assertThat(PushSignature.verify(SECRET, TIMESTAMP, SIGNATURE, BODY, AT_VECTOR, TOLERANCE))
        .isTrue();
  }

  @Test
  void duringARotationEitherSecretMatchesTheTwoEntryHeader() {
    String header = SIGNATURE + "," + PREVIOUS_SIGNATURE;
    assertThat(PushSignature.verify(SECRET, TIMESTAMP, header, BODY, AT_VECTOR, TOLERANCE))
        .isTrue();
    assertThat(PushSignature.verify(PREVIOUS, TIMESTAMP, header, BODY, AT_VECTOR, TOLERANCE))
        .isTrue();
    assertThat(
            PushSignature.verify(
                List.of("another-secret-that-is-long-enough-000000", PREVIOUS),
                TIMESTAMP,
                SIGNATURE,
                BODY,
                AT_VECTOR,
                TOLERANCE))
        .isFalse();
  }

  @Test
  void aChangedBodyAWrongSecretOrAnOldTimestampIsRefused() {
    byte[] changed = "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(PushSignature.verify(SECRET, TIMESTAMP, SIGNATURE, changed, AT_VECTOR, TOLERANCE))
        .isFalse();
    assertThat(PushSignature.verify(PREVIOUS, TIMESTAMP, SIGNATURE, BODY, AT_VECTOR, TOLERANCE))
        .isFalse();
    Clock later = Clock.offset(AT_VECTOR, Duration.ofMinutes(6));
    assertThat(PushSignature.verify(SECRET, TIMESTAMP, SIGNATURE, BODY, later, TOLERANCE))
        .isFalse();
  }

  @Test
  void missingOrMalformedHeadersAreRefusedWithoutAnException() {
    assertThat(PushSignature.verify(SECRET, null, SIGNATURE, BODY, AT_VECTOR, TOLERANCE)).isFalse();
    assertThat(PushSignature.verify(SECRET, TIMESTAMP, null, BODY, AT_VECTOR, TOLERANCE)).isFalse();
    assertThat(PushSignature.verify(SECRET, "soon", SIGNATURE, BODY, AT_VECTOR, TOLERANCE))
        .isFalse();
    assertThat(PushSignature.verify(SECRET, TIMESTAMP, "sha256=zz", BODY, AT_VECTOR, TOLERANCE))
        .isFalse();
  }
}
