package io.rms.service.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.BrokerProbe;
import io.rms.service.testing.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A replay gives the acked messages of a window a fresh delivery cycle on one subscription only:
 * attempts from 1, the header {@code x-rms-replay}, a {@code REPLAYED} event with the actor, the
 * message CONFIRMED until acked again; a dry run changes nothing; the same replay id delivers
 * nothing twice.
 */
class ReplayTest extends IntegrationTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  private static final String TOPIC = "order.replay";
  private static final String SUB = "cart.replay";
  private static final String OTHER = "audit.replay";

  @Autowired ReplaySteps steps;

  private Api orders;
  private Api ops;

  @BeforeEach
  void clients() {
    orders = as("orders");
    ops = as("ops");
  }

  /**
   * Sends {@code n} messages with the business key and acks them on both subscriptions, then waits
   * for their first deliveries to reach the queues and empties them.
   */
  private List<UUID> deliveredMessages(String businessKey, int n, BrokerProbe... queues) {
    for (BrokerProbe queue : queues) {
      queue.purge();
    }
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Response r = orders.send(TOPIC, "businessKey", businessKey, "payload", Map.of("i", i));
      assertThat(r.status()).isEqualTo(201);
      ids.add(r.id());
    }
    assertThat(as("cart").ack(SUB, ids.toArray(UUID[]::new)).status()).isEqualTo(200);
    assertThat(as("audit").ack(OTHER, ids.toArray(UUID[]::new)).status()).isEqualTo(200);
    for (UUID id : ids) {
      assertThat(status(id)).isEqualTo("DELIVERED");
    }
    for (BrokerProbe queue : queues) {
      for (int i = 0; i < n; i++) {
        assertThat(queue.next(WAIT)).as("first delivery %s", i).isNotNull();
      }
    }
    return ids;
  }

  private String status(UUID id) {
    return orders.get("/api/v1/messages/" + id).body().get("status").asString();
  }

  private Instant dbNow() {
    return jdbc.queryForObject("select now()", java.sql.Timestamp.class).toInstant();
  }

  static Map<String, Object> window(Instant from, Instant to, Object... more) {
    Map<String, Object> body = new HashMap<>();
    body.put("from", from.toString());
    body.put("to", to.toString());
    for (int i = 0; i < more.length; i += 2) {
      body.put((String) more[i], more[i + 1]);
    }
    return body;
  }

  private Response replay(String subscription, Map<String, Object> body) {
    return ops.post("/api/v1/admin/subscriptions/" + subscription + "/replay", body);
  }

  /**
   * Advances the replay until it is done, each step as far as the pace allows; between steps the
   * replay's pace is moved a second back instead of waiting for it.
   */
  private void runToEnd(String replayId) {
    for (int i = 0; i < 50; i++) {
      steps.advance(replayId);
      String state =
          jdbc.queryForObject("select state from replay where id = ?", String.class, replayId);
      if ("DONE".equals(state)) {
        return;
      }
      jdbc.update(
          "update replay set paced_until = paced_until - interval '1 second' where id = ?",
          replayId);
    }
    throw new AssertionError("replay " + replayId + " did not finish");
  }

  @Test
  void aReplayDeliversTheWindowAgainOnThatSubscriptionOnly() {
    String key = "rp-" + UUID.randomUUID();
    try (BrokerProbe queue = queue(SUB);
        BrokerProbe other = queue(OTHER)) {
      Instant from = dbNow();
      List<UUID> ids = deliveredMessages(key, 3, queue, other);

      Response started = replay(SUB, window(from, dbNow().plusSeconds(1), "businessKey", key));
      assertThat(started.status()).isEqualTo(202);
      assertThat(started.body().get("selected").asInt()).isEqualTo(3);
      assertThat(started.body().get("status").asString()).isEqualTo("RUNNING");
      String replayId = started.text("replayId");
      runToEnd(replayId);

      Map<UUID, GetResponse> got = new HashMap<>();
      for (int i = 0; i < 3; i++) {
        GetResponse r = queue.next(WAIT);
        assertThat(r).as("replayed delivery %s arrives", i).isNotNull();
        got.put(UUID.fromString(r.getProps().getMessageId()), r);
      }
      assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(ids);
      for (GetResponse r : got.values()) {
        assertThat(r.getProps().getHeaders().get("x-rms-replay").toString()).isEqualTo(replayId);
        assertThat(r.getProps().getHeaders().get("x-rms-attempt")).isEqualTo(1);
      }
      assertThat(queue.next(Duration.ofMillis(300))).as("nothing more").isNull();
      assertThat(other.next(Duration.ofMillis(300))).as("the other subscription").isNull();

      UUID first = ids.get(0);
      Response message = orders.get("/api/v1/messages/" + first);
      assertThat(message.body().get("status").asString()).isEqualTo("CONFIRMED");
      var events = message.body().get("events");
      var replayed = events.get(events.size() - 1);
      assertThat(replayed.get("type").asString()).isEqualTo("REPLAYED");
      assertThat(replayed.get("actor").asString()).isEqualTo("operator:ops");
      assertThat(replayed.get("subscription").asString()).isEqualTo(SUB);
      assertThat(replayed.get("detail").get("replayId").asString()).isEqualTo(replayId);
      assertThat(replayed.get("detail").get("from").asString()).isEqualTo("ACKED");

      assertThat(as("cart").ack(SUB, ids.toArray(UUID[]::new)).status()).isEqualTo(200);
      for (UUID id : ids) {
        assertThat(status(id)).as("acked again").isEqualTo("DELIVERED");
      }
      assertThat(
              jdbc.queryForObject(
                  "select sum(pending_deliveries) from message where id = any(?::uuid[])",
                  Long.class,
                  (Object) ids.toArray(UUID[]::new)))
          .isZero();

      var listed = ops.get("/api/v1/admin/subscriptions/" + SUB + "/replays").body();
      var mine = listed.get(0);
      assertThat(mine.get("replayId").asString()).isEqualTo(replayId);
      assertThat(mine.get("state").asString()).isEqualTo("DONE");
      assertThat(mine.get("replayed").asInt()).isEqualTo(3);
      assertThat(mine.get("progress").asDouble()).isEqualTo(1.0);
      assertThat(mine.get("startedBy").asString()).isEqualTo("operator:ops");
    }
  }

  @Test
  void aDryRunCountsAndChangesNothing() {
    String key = "dry-" + UUID.randomUUID();
    try (BrokerProbe queue = queue(SUB)) {
      Instant from = dbNow();
      List<UUID> ids = deliveredMessages(key, 2, queue);
      long replays = jdbc.queryForObject("select count(*) from replay", Long.class);

      Response dry =
          replay(SUB, window(from, dbNow().plusSeconds(1), "businessKey", key, "dryRun", true));
      assertThat(dry.status()).isEqualTo(200);
      assertThat(dry.body().get("selected").asInt()).isEqualTo(2);
      assertThat(dry.body().get("status").asString()).isEqualTo("DRY_RUN");
      assertThat(dry.body().get("replayId").isNull()).isTrue();
      assertThat(jdbc.queryForObject("select count(*) from replay", Long.class)).isEqualTo(replays);
      for (UUID id : ids) {
        assertThat(status(id)).isEqualTo("DELIVERED");
      }
      assertThat(queue.next(Duration.ofMillis(300))).isNull();
    }
  }

  @Test
  void theSameReplayIdAnswersTheSameReplayAndDeliversNothingTwice() {
    String key = "idem-" + UUID.randomUUID();
    String replayId = "fix-" + UUID.randomUUID();
    try (BrokerProbe queue = queue(SUB)) {
      Instant from = dbNow();
      List<UUID> ids = deliveredMessages(key, 2, queue);
      Instant to = dbNow().plusSeconds(1);
      Map<String, Object> body = window(from, to, "businessKey", key, "replayId", replayId);

      Response first = replay(SUB, body);
      assertThat(first.status()).isEqualTo(202);
      runToEnd(replayId);
      Response again = replay(SUB, body);
      assertThat(again.status()).isEqualTo(202);
      assertThat(again.text("replayId")).isEqualTo(replayId);
      assertThat(again.body().get("selected").asInt()).isEqualTo(2);
      assertThat(again.body().get("status").asString()).isEqualTo("DONE");
      steps.advanceAll();

      List<GetResponse> got = queue.drain(Duration.ofMillis(500));
      assertThat(got).hasSize(2);
      assertThat(
              jdbc.queryForObject(
                  """
                  select count(*) from message_event
                   where type = 'REPLAYED' and detail->>'replayId' = ?
                  """,
                  Long.class,
                  replayId))
          .isEqualTo(ids.size());

      Response otherParameters =
          replay(SUB, window(from, to.plusSeconds(5), "businessKey", key, "replayId", replayId));
      assertThat(otherParameters.status()).isEqualTo(409);
      assertThat(otherParameters.code()).isEqualTo("replay-conflict");
    }
  }
}
