package io.rms.service.replay;

import static io.rms.service.replay.ReplayTest.window;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import io.rms.service.testing.Api;
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
 * On an ordered subscription a replay delivers a key's messages one at a time in {@code order_seq}:
 * it waits while a later message of the key is in flight, then the replayed ones go out one per
 * ack, and a live message of the key confirmed meanwhile waits behind them.
 */
class OrderedReplayTest extends IntegrationTest {
  private static final String TOPIC = "order.replay-keyed";
  private static final String SUB = "cart.replay-keyed";
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

  private GetResponse next(BrokerProbe queue) {
    GetResponse r = queue.next(ReplayTest.WAIT);
    assertThat(r).as("a delivery arrives").isNotNull();
    return r;
  }

  private static UUID id(GetResponse r) {
    return UUID.fromString(r.getProps().getMessageId());
  }

  private void ack(UUID id) {
    assertThat(as("cart").ack(SUB, id).body().get("items").get(0).get("outcome").asString())
        .isEqualTo("ACKED");
  }

  private void step(String replayId) {
    jdbc.update(
        "update replay set paced_until = paced_until - interval '1 second' where id = ?", replayId);
    steps.advance(replayId);
  }

  @Test
  void aKeyIsReplayedInOrderOneAtATimeAndLiveMessagesWaitBehind() {
    String key = "k-" + UUID.randomUUID();
    Api ops = as("ops");
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      Instant from = dbNow();
      List<UUID> history = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        UUID m = send(key, i);
        assertThat(id(next(queue))).isEqualTo(m);
        ack(m);
        history.add(m);
      }
      UUID live = send(key, 4);
      assertThat(id(next(queue))).as("a later message of the key in flight").isEqualTo(live);

      Response started =
          ops.post(
              "/api/v1/admin/subscriptions/" + SUB + "/replay",
              window(from, dbNow().plusSeconds(1)));
      assertThat(started.status()).isEqualTo(202);
      assertThat(started.body().get("selected").asInt())
          .as("the in-flight message is on its way already")
          .isEqualTo(3);
      String replayId = started.text("replayId");

      step(replayId);
      assertThat(queue.next(QUIET)).as("the key is busy: the replay waits").isNull();
      assertThat(
              jdbc.queryForObject(
                  "select replayed from replay where id = ?", Integer.class, replayId))
          .isZero();

      ack(live);
      step(replayId);
      GetResponse first = next(queue);
      assertThat(id(first)).isEqualTo(history.get(0));
      assertThat(first.getProps().getHeaders().get("x-rms-replay").toString()).isEqualTo(replayId);
      assertThat(queue.next(QUIET)).as("one message of the key at a time").isNull();

      UUID later = send(key, 5);
      assertThat(queue.next(QUIET)).as("a live message waits behind the replayed ones").isNull();

      long sequence = (Long) first.getProps().getHeaders().get("x-rms-sequence");
      ack(history.get(0));
      for (UUID expected : history.subList(1, 3)) {
        GetResponse r = next(queue);
        assertThat(id(r)).isEqualTo(expected);
        long s = (Long) r.getProps().getHeaders().get("x-rms-sequence");
        assertThat(s).isGreaterThan(sequence);
        sequence = s;
        assertThat(queue.next(QUIET)).isNull();
        ack(expected);
      }
      GetResponse after = next(queue);
      assertThat(id(after)).as("then the live flow").isEqualTo(later);
      assertThat(after.getProps().getHeaders()).doesNotContainKey("x-rms-replay");
      ack(later);
      assertThat(
              jdbc.queryForObject("select state from replay where id = ?", String.class, replayId))
          .isEqualTo("DONE");
    }
  }
}
