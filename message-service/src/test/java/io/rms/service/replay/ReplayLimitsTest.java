package io.rms.service.replay;

import static io.rms.service.replay.ReplayTest.window;
import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Every refusal of a replay request is a problem+json with its stable code, and changes nothing:
 * unknown subscription, window not in order or missing, window beyond retention, a status that is
 * not a finished one, an inactive subscription, a second replay while one runs, a caller without
 * the operator role.
 */
class ReplayLimitsTest extends IntegrationTest {
  private static final String SUB = "cart.replay-limits";
  private static final String PATH = "/api/v1/admin/subscriptions/" + SUB + "/replay";

  @Autowired ReplaySteps steps;

  private Instant dbNow() {
    return jdbc.queryForObject("select now()", java.sql.Timestamp.class).toInstant();
  }

  private static void refused(Response r, int status, String code) {
    assertThat(r.status()).as(r.raw()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.code()).isEqualTo(code);
  }

  @Test
  void badRequestsAreRefusedWithTheirCodes() {
    Api ops = as("ops");
    Instant now = dbNow();
    long before = jdbc.queryForObject("select count(*) from replay", Long.class);

    refused(
        ops.post("/api/v1/admin/subscriptions/no.such/replay", window(now.minusSeconds(60), now)),
        404,
        "not-found");
    refused(ops.post(PATH, window(now, now)), 400, "validation-failed");
    refused(ops.post(PATH, window(now, now.minusSeconds(1))), 400, "validation-failed");
    refused(ops.post(PATH, Map.of("to", now.toString())), 400, "validation-failed");
    refused(
        ops.post(PATH, Map.of("from", "yesterday", "to", now.toString())),
        400,
        "malformed-request");
    refused(ops.post(PATH, window(now.minus(Duration.ofDays(8)), now)), 422, "beyond-retention");
    refused(
        ops.post(PATH, window(now.minusSeconds(60), now, "status", "PUBLISHED")),
        400,
        "validation-failed");
    refused(
        ops.post(PATH, window(now.minusSeconds(60), now, "limit", 0)), 400, "validation-failed");
    refused(
        ops.post(PATH, window(now.minusSeconds(60), now, "replayId", "no spaces")),
        400,
        "validation-failed");
    refused(as("cart").post(PATH, window(now.minusSeconds(60), now)), 403, "forbidden");
    assertThat(jdbc.queryForObject("select count(*) from replay", Long.class)).isEqualTo(before);
  }

  @Test
  void anInactiveSubscriptionIsRefused() {
    Api root = as("root");
    Instant now = dbNow();
    assertThat(root.post("/api/v1/admin/subscriptions/" + SUB + "/deactivate").status())
        .isEqualTo(200);
    try {
      refused(
          as("ops").post(PATH, window(now.minusSeconds(60), now)), 409, "subscription-inactive");
    } finally {
      assertThat(root.post("/api/v1/admin/subscriptions/" + SUB + "/activate").status())
          .isEqualTo(200);
    }
  }

  @Test
  void aSecondReplayWhileOneRunsIsAConflict() {
    Api ops = as("ops");
    Instant from = dbNow();
    UUID id = as("orders").send("order.replay-limits", "payload", Map.of("n", 1)).id();
    assertThat(as("cart").ack(SUB, id).status()).isEqualTo(200);
    Instant to = dbNow().plusSeconds(1);

    Response first = ops.post(PATH, window(from, to));
    assertThat(first.status()).isEqualTo(202);
    assertThat(first.body().get("status").asString()).isEqualTo("RUNNING");
    refused(ops.post(PATH, window(to, to.plusSeconds(60))), 409, "replay-conflict");

    steps.advance(first.text("replayId"));
    steps.advance(first.text("replayId"));
    assertThat(
            jdbc.queryForObject(
                "select state from replay where id = ?", String.class, first.text("replayId")))
        .isEqualTo("DONE");
    Response after = ops.post(PATH, window(to, to.plusSeconds(60)));
    assertThat(after.status()).as("one at a time: the next may start").isEqualTo(202);
    assertThat(after.body().get("selected").asInt()).isZero();
    assertThat(after.body().get("status").asString()).isEqualTo("DONE");
    assertThat(as("cart").ack(SUB, id).status()).isEqualTo(200);
  }
}
