package io.rms.service.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CheckBackSignerTest {

  /** {@code printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret} */
  private static final String OPENSSL =
      "49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686";

  @Test
  void signsTimestampDotBodyWithHmacSha256InHex() {
    String signature =
        CheckBackSigner.signature(
            "secret", "1700000000", "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    assertThat(signature).isEqualTo("sha256=" + OPENSSL);
  }
}
