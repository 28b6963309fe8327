package io.rms.service.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.BrokerProbe;
import io.rms.service.testing.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A subscription created with {@code backfillFrom} starts with the topic's history since then, in
 * key order on an ordered subscription, and then the live flow; the backfill is a replay of kind
 * BACKFILL started by the system, listed with the subscription's replays.
 */
class BackfillTest extends IntegrationTest {
  private static final String TOPIC = "order.replay-keyed";
  private static final Duration QUIET = Duration.ofMillis(400);

  @Autowired ReplaySteps steps;

  private Instant dbNow() {
    return jdbc.queryForObject("select now()", java.sql.Timestamp.class).toInstant();
  }

  private UUID send(String key, int i) {
    Response r = as("orders").send(TOPIC, "orderingKey", key, "payload", Map.of("i", i));
    assertThat(r.status()).isEqualTo(201);
    return r.id();
  }

  @Test
  void aNewSubscriptionReceivesTheHistoryInOrderThenTheLiveFlow() {
    String name = "audit.backfill-" + UUID.randomUUID().toString().substring(0, 8);
    String key = "b-" + UUID.randomUUID();
    Instant from = dbNow();
    List<UUID> history = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      history.add(send(key, i));
    }
    try (BrokerProbe queue = queue(name)) {
      Response created =
          as("root")
              .post(
                  "/api/v1/admin/subscriptions",
                  Map.of(
                      "name",
                      name,
                      "topic",
                      TOPIC,
                      "app",
                      "audit",
                      "ordered",
                      true,
                      "backfillFrom",
                      from.toString()));
      assertThat(created.status()).as(created.raw()).isEqualTo(201);
      String replayId = "backfill:" + name;
      var listed = as("ops").get("/api/v1/admin/subscriptions/" + name + "/replays").body();
      assertThat(listed.size()).isEqualTo(1);
      assertThat(listed.get(0).get("replayId").asString()).isEqualTo(replayId);
      assertThat(listed.get(0).get("kind").asString()).isEqualTo("BACKFILL");
      assertThat(listed.get(0).get("startedBy").asString()).isEqualTo("system");
      assertThat(listed.get(0).get("selected").asInt()).isEqualTo(3);

      steps.advance(replayId);
      for (UUID expected : history) {
        GetResponse r = queue.next(ReplayTest.WAIT);
        assertThat(r).as("history message arrives").isNotNull();
        assertThat(UUID.fromString(r.getProps().getMessageId())).isEqualTo(expected);
        assertThat(r.getProps().getHeaders().get("x-rms-replay").toString()).isEqualTo(replayId);
        assertThat(queue.next(QUIET)).as("one of the key at a time").isNull();
        assertThat(as("audit").ack(name, expected).status()).isEqualTo(200);
      }
      UUID live = send(key, 4);
      GetResponse r = queue.next(ReplayTest.WAIT);
      assertThat(r).isNotNull();
      assertThat(UUID.fromString(r.getProps().getMessageId())).isEqualTo(live);
      assertThat(r.getProps().getHeaders()).doesNotContainKey("x-rms-replay");
      assertThat(
              jdbc.queryForObject("select state from replay where id = ?", String.class, replayId))
          .isEqualTo("DONE");
    }
  }
}
