package io.rms.service.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiKeysTest {
  private final ApiKeys apiKeys = new ApiKeys();

  @Test
  void generatedKeysCarryAKeyIdAnd256RandomBits() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      String key = apiKeys.generate();
      assertThat(key).matches("rms_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");
      ApiKeys.IdentifiedKey identified = ApiKeys.identify(key).orElseThrow();
      assertThat(ids.add(identified.keyId())).isTrue();
      assertThat(identified.toString()).doesNotContain(identified.secret());
    }
  }

  @Test
  void aKeyWithAKeyIdIsStoredAsTheSha256OfItsSecretUnderItsId() {
    String key = apiKeys.generate();
    String stored = apiKeys.hash(key);
    String id = ApiKeys.identify(key).orElseThrow().keyId();

    assertThat(stored).matches("\\{rms-sha256\\}" + id + ":[0-9a-f]{64}").doesNotContain(key);
    assertThat(ApiKeys.keyIdOf(stored)).contains(id);
    assertThat(apiKeys.matches(key, stored)).isTrue();
    assertThat(apiKeys.matches(apiKeys.generate(), stored)).isFalse();
    String otherSecret = key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A");
    assertThat(apiKeys.matches(otherSecret, stored)).isFalse();
  }

  @Test
  void theShellRecipeOfTheDeployGuideGivesTheStoredForm() {
    // docs/deploy.md: newkey / stored with openssl and sha256sum
    String key = "rms_60c9c507b4042e0d_QD_oBI8pVTNyuPxJ7CT6ms43eTyOmMoyM2hAT2tewtM";
    String stored =
        "{rms-sha256}60c9c507b4042e0d:"
            + "22326bfb308dcc97c8483bcf60fef7de2676c1afb2ababa8156771163c829a66";
    assertThat(apiKeys.hash(key)).isEqualTo(stored);
    assertThat(apiKeys.storedForm(stored)).isEqualTo(stored);
    assertThat(apiKeys.matches(key, stored)).isTrue();
  }

  @Test
  void aKeyWithoutAKeyIdIsStoredAsABcryptHash() {
    String stored = apiKeys.hash("orders-key");
    assertThat(stored).startsWith("{bcrypt}$2").doesNotContain("orders-key");
    assertThat(ApiKeys.keyIdOf(stored)).isEmpty();
    assertThat(apiKeys.matches("orders-key", stored)).isTrue();
    assertThat(apiKeys.matches("orders-kez", stored)).isFalse();
  }

  @Test
  void configuredHashesThisServiceProducesAreKeptAsTheyAre() {
    String identified = apiKeys.hash(apiKeys.generate());
    String bcrypt = apiKeys.hash("plain");
    assertThat(apiKeys.storedForm(identified)).isEqualTo(identified);
    assertThat(apiKeys.storedForm(bcrypt)).isEqualTo(bcrypt);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{noop}orders-key",
        "{sha256}0123456789abcdef",
        "{pbkdf2}5d923b44a6d129f3ddf3e3c8d29412723dcbde72445e8ef6bf3b508fbf17fa4ed4d6b99ca763d8dc",
        "{MD5}{salt}e6b8f4d0",
        "{bcrypt}not-a-bcrypt-hash",
        "{rms-sha256}short:abc",
        "{}orders-key",
      })
  void configuredValuesInOtherStoredFormsAreRefused(String configured) {
    assertThatThrownBy(() -> apiKeys.storedForm(configured))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a hash this service produces")
        .hasMessageNotContaining(configured.substring(configured.indexOf('}') + 1));
  }
}
