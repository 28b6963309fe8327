package io.rms.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** How the rendered chart hands secrets to the pods. */
final class SecretAssertions {
  private SecretAssertions() {}

  /** {@code env} takes its value from {@code key} of the Secret {@code secret}, not a literal. */
  static void assertSecretRef(EnvVar env, String secret, String key) {
    assertThat(env).as("env var").isNotNull();
    assertThat(env.getValue()).as(env.getName()).isNull();
    assertThat(env.getValueFrom().getSecretKeyRef().getName()).as(env.getName()).isEqualTo(secret);
    assertThat(env.getValueFrom().getSecretKeyRef().getKey()).as(env.getName()).isEqualTo(key);
  }

  /** The decoded value of {@code key} in {@code secret}, which must have it. */
  static String decode(Secret secret, String key) {
    assertThat(secret.getData()).containsKey(key);
    return new String(
        Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }
}
