package io.rms.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.registry.ApiKeys;
import io.rms.service.registry.App;
import io.rms.service.registry.AppRepository;
import io.rms.service.registry.Registry;
import io.rms.service.testing.Api;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.Refusals;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * A client address that made too many failed authentications is answered {@code 429
 * too-many-failed-auth}, and a key without a key id is then not even checked; a valid key with a
 * key id still goes through. A context of its own with an allowance of five.
 */
@TestPropertySource(properties = {"rms.auth.failed-burst=5", "rms.auth.failed-per-minute=1"})
class FailedAuthLimitTest extends IntegrationTest {
  static final String LIMITED = "failed authentications beyond the address's allowance";
  private static final Refusals refusals = new Refusals();

  @Autowired AppRepository apps;
  @Autowired ApiKeys apiKeys;
  @Autowired Registry registry;

  @AfterAll
  static void tally() {
    refusals.report();
  }

  @Test
  void anAddressPastItsFailedAuthenticationsIsAnswered429() {
    String identified = apiKeys.generate();
    App app = apps.findById("limited").orElseGet(() -> new App("limited"));
    app.setApiKeyHashes(new String[] {apiKeys.hash(identified)});
    app.setActive(true);
    apps.save(app);
    registry.refresh();

    for (int i = 0; i < 5; i++) {
      assertThat(new Api(port, "wrong-" + i).get("/api/v1/stats").status()).isEqualTo(401);
    }
    for (String wrong : new String[] {"wrong-6", apiKeys.generate(), "orders-key"}) {
      refusals.attempt(
          LIMITED,
          wrong.startsWith("rms_") ? "a wrong key with a key id" : "a key without a key id",
          () -> {
            Api.Response r = new Api(port, wrong).get("/api/v1/stats");
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.code()).isEqualTo("too-many-failed-auth");
            assertThat(r.contentType()).startsWith("application/problem+json");
          });
    }
    // a right key with a key id costs one SHA-256 and is still served
    assertThat(new Api(port, identified).get("/api/v1/stats").status()).isEqualTo(200);
    // no key at all is no failed authentication, just 401
    assertThat(new Api(port, null).get("/api/v1/stats").status()).isEqualTo(401);
  }
}
