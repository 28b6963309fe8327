package io.rms.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.registry.ApiKeys;
import io.rms.service.registry.App;
import io.rms.service.registry.AppRepository;
import io.rms.service.registry.Registry;
import io.rms.service.testing.Api;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.Refusals;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Wrong API keys cost the service little: a key with a key id is looked up by its id and checked
 * with one SHA-256, never against the bcrypt hashes the registry also holds (every configured test
 * app has one, and the app here holds five more).
 */
class ApiKeyCostTest extends IntegrationTest {
  static final String WRONG_IDENTIFIED =
      "wrong API keys with a key id (looked up by id, no bcrypt)";
  private static final int WRONG_KEYS = 100;
  private static final Refusals refusals = new Refusals();

  @Autowired AppRepository apps;
  @Autowired ApiKeys apiKeys;
  @Autowired Registry registry;

  private String key;

  @BeforeEach
  void appWithAnIdentifiedKeyAndFiveBcryptHashes() {
    key = apiKeys.generate();
    App app = apps.findById("costly").orElseGet(() -> new App("costly"));
    List<String> hashes = new ArrayList<>();
    hashes.add(apiKeys.hash(key));
    for (int i = 0; i < 5; i++) {
      hashes.add(apiKeys.hash("costly-legacy-key-" + i));
    }
    app.setApiKeyHashes(hashes.toArray(String[]::new));
    app.setProduces(new String[] {"order.created"});
    app.setActive(true);
    apps.save(app);
    registry.refresh();
  }

  @AfterAll
  static void tally() {
    refusals.report();
  }

  @Test
  void aHundredWrongKeysWithKeyIdsAreRefusedWithinAFractionOfOneBcryptCheckEach() {
    assertThat(new Api(port, key).get("/api/v1/stats").status()).isEqualTo(200);
    String keyId = ApiKeys.identify(key).orElseThrow().keyId();

    long started = System.nanoTime();
    for (int i = 0; i < WRONG_KEYS; i++) {
      String wrong =
          i % 2 == 0
              ? apiKeys.generate() // an unknown key id
              : "rms_" + keyId + "_" + apiKeys.generate().substring(21); // known id, wrong secret
      refusals.attempt(
          WRONG_IDENTIFIED,
          i % 2 == 0 ? "unknown key id" : "known key id, other secret",
          () -> {
            Api.Response r = new Api(port, wrong).get("/api/v1/stats");
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.code()).isEqualTo("unauthenticated");
          });
    }
    long millis = (System.nanoTime() - started) / 1_000_000;

    // the yardstick, on the same (shared, busy) machine: two wrong keys without a key id, each
    // checked against the registry's 14 bcrypt hashes, as every wrong key was before key ids
    long legacyStarted = System.nanoTime();
    for (int i = 0; i < 2; i++) {
      assertThat(new Api(port, "costly-wrong-" + i).get("/api/v1/stats").status()).isEqualTo(401);
    }
    long legacyMillis = (System.nanoTime() - legacyStarted) / 1_000_000;
    System.out.printf(
        "%d wrong keys with key ids refused in %d ms; 2 wrong keys without in %d ms%n",
        WRONG_KEYS, millis, legacyMillis);
    assertThat(millis).isLessThan(legacyMillis);
  }

  @Test
  void aKeyWithAKnownIdOfADeactivatedAppIsRefused() {
    App app = apps.findById("costly").orElseThrow();
    app.setActive(false);
    apps.save(app);
    registry.refresh();
    refusals.attempt(
        WRONG_IDENTIFIED,
        "the right key of a deactivated app",
        () -> assertThat(new Api(port, key).get("/api/v1/stats").status()).isEqualTo(401));
  }
}
