package io.rms.service.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.BrokerProbe;
import io.rms.service.testing.IntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A poison message parks only its key on an ordered subscription: the key's later messages wait
 * (visibly: in the message's deliveries and in the stats) while other keys flow; discarding the
 * DEAD delivery releases the next one and finishes its message. A PREPARED message holds its key
 * back until it is resolved.
 */
class ParkedKeyTest extends IntegrationTest {
  private static final String TOPIC = "order.poison";
  private static final String SUB = "cart.poison";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private Api orders;
  private Api cart;
  private Api ops;

  @BeforeEach
  void clients() {
    orders = as("orders");
    cart = as("cart");
    ops = as("ops");
  }

  private UUID send(String key, int i) {
    Response r = orders.send(TOPIC, "orderingKey", key, "payload", Map.of("i", i));
    assertThat(r.status()).isEqualTo(201);
    return r.id();
  }

  private UUID next(BrokerProbe queue) {
    GetResponse r = queue.next(WAIT);
    assertThat(r).as("a delivery arrives").isNotNull();
    return UUID.fromString(r.getProps().getMessageId());
  }

  private void ack(UUID id) {
    assertThat(
            cart.post("/api/v1/subscriptions/" + SUB + "/acks", Map.of("messageIds", List.of(id)))
                .body()
                .get("items")
                .get(0)
                .get("outcome")
                .asString())
        .isEqualTo("ACKED");
  }

  private void nackForGood(UUID id) {
    assertThat(
            cart.post(
                    "/api/v1/subscriptions/" + SUB + "/nacks",
                    Map.of("messageId", id, "reason", "poison", "retry", false))
                .status())
        .isEqualTo(200);
  }

  private long parkedKeys() {
    for (var s : cart.get("/api/v1/stats").body().get("subscriptions")) {
      if (s.get("subscription").asString().equals(SUB)) {
        return s.get("parkedKeys").asLong();
      }
    }
    throw new AssertionError("no stats for " + SUB);
  }

  @Test
  void aDeadDeliveryParksOnlyItsKeyUntilItIsDiscarded() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String poisoned = run + "-poisoned";
    String healthy = run + "-healthy";
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      long parkedBefore = parkedKeys();
      UUID p1 = send(poisoned, 1);
      UUID p2 = send(poisoned, 2);
      UUID p3 = send(poisoned, 3);
      assertThat(next(queue)).isEqualTo(p1);
      nackForGood(p1);
      assertThat(parkedKeys()).isEqualTo(parkedBefore + 1);

      Response waiting = orders.get("/api/v1/messages/" + p2);
      var delivery = waiting.body().get("deliveries").get(0);
      assertThat(delivery.get("status").asString()).isEqualTo("WAITING");
      assertThat(delivery.get("waitingFor").asString()).isEqualTo(p1.toString());

      List<UUID> other = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        other.add(send(healthy, i));
      }
      for (UUID expected : other) {
        assertThat(next(queue)).as("the healthy key flows in order").isEqualTo(expected);
        ack(expected);
      }
      assertThat(queue.next(Duration.ofMillis(500))).as("the parked key stays held").isNull();

      Response refused =
          ops.post(
              "/api/v1/admin/deliveries/discard", Map.of("messageId", p2, "subscription", SUB));
      assertThat(refused.status()).as("only a DEAD delivery is discarded").isEqualTo(409);
      assertThat(
              ops.post(
                      "/api/v1/admin/deliveries/discard",
                      Map.of("messageId", UUID.randomUUID(), "subscription", SUB))
                  .status())
          .isEqualTo(404);

      Response discarded =
          ops.post(
              "/api/v1/admin/deliveries/discard", Map.of("messageId", p1, "subscription", SUB));
      assertThat(discarded.status()).isEqualTo(200);
      assertThat(discarded.body().get("items").get(0).get("messageId").asString())
          .isEqualTo(p1.toString());
      assertThat(discarded.body().get("released").asInt()).isEqualTo(1);
      assertThat(orders.get("/api/v1/messages/" + p1).text("status"))
          .as("a message whose deliveries are acked or discarded is finished")
          .isEqualTo("DELIVERED");
      assertThat(parkedKeys()).isEqualTo(parkedBefore);
      assertThat(
              jdbc.queryForObject(
                  "select actor from message_event where message_id = ? and type = 'DISCARD'",
                  String.class,
                  p1))
          .isEqualTo("operator:ops");

      assertThat(next(queue)).as("the discard released the next message").isEqualTo(p2);
      ack(p2);
      assertThat(next(queue)).isEqualTo(p3);
      ack(p3);
    }
  }

  @Test
  void bulkDiscardFinishesTheSubscriptionsDeadDeliveriesAndBadRequestsChangeNothing() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      UUID firstA = send(run + "-a", 1);
      UUID nextA = send(run + "-a", 2);
      UUID firstB = send(run + "-b", 1);
      List<UUID> heads = List.of(next(queue), next(queue));
      assertThat(heads).containsExactlyInAnyOrder(firstA, firstB);
      heads.forEach(this::nackForGood);

      for (Map<String, Object> bad :
          List.of(
              Map.<String, Object>of("status", "DEAD", "limit", 10),
              Map.<String, Object>of("subscription", SUB, "limit", 10),
              Map.<String, Object>of("subscription", SUB, "status", "PUBLISHED", "limit", 10),
              Map.<String, Object>of("subscription", SUB, "status", "DEAD", "limit", 0),
              Map.<String, Object>of("subscription", SUB, "status", "DEAD", "limit", 1001))) {
        Response refused = ops.post("/api/v1/admin/deliveries/discard", bad);
        assertThat(refused.status()).as("%s", bad).isEqualTo(400);
        assertThat(refused.code()).isEqualTo("validation-failed");
      }
      Response unknown =
          ops.post(
              "/api/v1/admin/deliveries/discard",
              Map.of("subscription", "no.such", "status", "DEAD", "limit", 10));
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(
              cart.post(
                      "/api/v1/admin/deliveries/discard",
                      Map.of("subscription", SUB, "status", "DEAD", "limit", 10))
                  .status())
          .as("a consumer app is no operator")
          .isEqualTo(403);
      assertThat(
              jdbc.queryForList(
                  "select status from delivery where subscription = ? and message_id = any(?)",
                  String.class,
                  SUB,
                  new UUID[] {firstA, firstB}))
          .as("refused discards change nothing")
          .containsOnly("DEAD");

      Response bulk =
          ops.post(
              "/api/v1/admin/deliveries/discard",
              Map.of("subscription", SUB, "status", "DEAD", "limit", 1000));
      assertThat(bulk.status()).isEqualTo(200);
      List<String> discarded = new ArrayList<>();
      bulk.body().get("items").forEach(i -> discarded.add(i.get("messageId").asString()));
      assertThat(discarded).contains(firstA.toString(), firstB.toString());
      assertThat(bulk.body().get("released").asInt()).isGreaterThanOrEqualTo(1);
      assertThat(next(queue)).as("key a moves on, key b had nothing more").isEqualTo(nextA);
      ack(nextA);
      assertThat(orders.get("/api/v1/messages/" + firstB).text("status")).isEqualTo("DELIVERED");
    }
  }

  @Test
  void aPreparedMessageHoldsItsKeyBackUntilItIsCancelled() {
    String key = UUID.randomUUID().toString();
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      Response prepared = orders.prepare(TOPIC, "orderingKey", key, "payload", "{}");
      UUID first = prepared.id();
      UUID second = send(key, 2);
      assertThat(queue.next(Duration.ofMillis(500)))
          .as("the confirmed second message waits for the prepared first one")
          .isNull();
      var delivery = orders.get("/api/v1/messages/" + second).body().get("deliveries").get(0);
      assertThat(delivery.get("status").asString()).isEqualTo("WAITING");
      assertThat(delivery.get("waitingFor").asString()).isEqualTo(first.toString());
      assertThat(orders.post("/api/v1/messages/" + first + "/cancel").status()).isEqualTo(200);
      assertThat(next(queue)).as("the cancel released the second").isEqualTo(second);
      ack(second);
    }
  }

  @Test
  void aRedeliveredHeadResumesItsKeyAfterItsAck() {
    String key = UUID.randomUUID().toString();
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      UUID first = send(key, 1);
      UUID second = send(key, 2);
      assertThat(next(queue)).isEqualTo(first);
      nackForGood(first);
      assertThat(
              ops.post(
                      "/api/v1/admin/deliveries/redeliver",
                      Map.of("messageId", second, "subscription", SUB))
                  .status())
          .as("a waiting delivery cannot jump its key")
          .isEqualTo(409);
      assertThat(
              ops.post(
                      "/api/v1/admin/deliveries/redeliver",
                      Map.of("messageId", first, "subscription", SUB))
                  .status())
          .isEqualTo(200);
      GetResponse again = queue.next(WAIT);
      assertThat(again.getProps().getMessageId()).isEqualTo(first.toString());
      assertThat(again.getProps().getHeaders().get("x-rms-attempt")).isEqualTo(2);
      assertThat(queue.next(Duration.ofMillis(300))).as("nothing before the ack").isNull();
      ack(first);
      assertThat(next(queue)).isEqualTo(second);
      ack(second);
    }
  }
}
