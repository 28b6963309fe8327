package io.rms.service.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.IntegrationTest;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A replay on a pull subscription: the replayed delivery is never published (the dispatch gate
 * keeps it for the consumer), the next pull leases it with attempt 1 and the replay's id, so a pull
 * consumer can apply it once per replay as AMQP consumers do with {@code x-rms-replay}.
 */
class ReplayOnPullTest extends IntegrationTest {
  private static final String SUB = "cart.pulled";

  @Autowired ReplaySteps steps;

  private JsonNode leased(Api cart, UUID id) {
    Response r =
        cart.post(
            "/api/v1/subscriptions/" + SUB + "/pull", Map.of("max", 1000, "leaseSeconds", 30));
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    for (JsonNode d : r.body().get("deliveries")) {
      if (d.get("messageId").asString().equals(id.toString())) {
        return d;
      }
    }
    return null;
  }

  @Test
  void aReplayedDeliveryIsLeasedWithItsReplayIdAndAFreshAttempt() {
    Api orders = as("orders");
    Api cart = as("cart");
    String key = "rp-pull-" + UUID.randomUUID().toString().substring(0, 8);
    Instant from = jdbc.queryForObject("select now()", java.sql.Timestamp.class).toInstant();
    UUID id = orders.send("order.pulled", "businessKey", key, "payload", Map.of("n", 1)).id();

    JsonNode first = leased(cart, id);
    assertThat(first).as("the first cycle is leased").isNotNull();
    assertThat(first.get("attempt").asInt()).isEqualTo(1);
    assertThat(first.get("replayId").isNull()).isTrue();
    assertThat(cart.ack(SUB, id).status()).isEqualTo(200);

    Response started =
        as("ops")
            .post(
                "/api/v1/admin/subscriptions/" + SUB + "/replay",
                ReplayTest.window(
                    from.minusSeconds(1), Instant.now().plusSeconds(1), "businessKey", key));
    assertThat(started.status()).as(started.raw()).isEqualTo(202);
    assertThat(started.body().get("selected").asLong()).isEqualTo(1);
    String replayId = started.text("replayId");
    steps.advance(replayId);

    assertThat(
            jdbc.queryForObject(
                "select status || '/' || attempts from delivery where message_id = ? and subscription = ?",
                String.class,
                id,
                SUB))
        .as("a fresh cycle, kept for the pull consumer")
        .isEqualTo("SCHEDULED/0");
    JsonNode again = leased(cart, id);
    assertThat(again).as("the replayed cycle is leased").isNotNull();
    assertThat(again.get("attempt").asInt()).isEqualTo(1);
    assertThat(again.get("replayId").asString()).isEqualTo(replayId);
    assertThat(cart.ack(SUB, id).status()).isEqualTo(200);
    assertThat(orders.get("/api/v1/messages/" + id).text("status")).isEqualTo("DELIVERED");
  }
}
