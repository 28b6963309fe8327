package io.rms.service.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.Await;
import io.rms.service.testing.BrokerProbe;
import io.rms.service.testing.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The lifecycle end to end over HTTP, PostgreSQL and the broker. */
class MessageFlowTest extends IntegrationTest {
  @Autowired DeliveryStore deliveries;
  private static final Duration WAIT = Duration.ofSeconds(10);

  private Response prepare(Api api, String topic, Map<String, Object> extra) {
    Map<String, Object> body = new java.util.HashMap<>(extra);
    body.put("topic", topic);
    body.putIfAbsent("payload", Map.of("orderId", 42, "items", List.of("apple", "pear")));
    return api.post("/api/v1/messages", body);
  }

  private String deliveryStatus(UUID id, String subscription) {
    return jdbc.queryForObject(
        "select status from delivery where message_id = ? and subscription = ?",
        String.class,
        id,
        subscription);
  }

  @Test
  void preparedMessageIsConfirmedPublishedWithDocumentedPropertiesAckedAndDelivered()
      throws Exception {
    Api orders = as("orders");
    try (BrokerProbe queue = queue("cart.order-created")) {
      queue.purge();
      Response prepared =
          prepare(
              orders,
              "order.created",
              Map.of(
                  "businessKey", "42",
                  "orderingKey", "customer-7",
                  "headers", Map.of("tenant", "eu")));
      assertThat(prepared.status()).isEqualTo(201);
      assertThat(prepared.text("status")).isEqualTo("PREPARED");
      UUID id = prepared.id();
      assertThat(queue.next(Duration.ofMillis(300))).as("nothing visible before confirm").isNull();

      Response confirmed = orders.post("/api/v1/messages/" + id + "/confirm");
      assertThat(confirmed.status()).isEqualTo(200);
      assertThat(confirmed.text("status")).isEqualTo("CONFIRMED");

      GetResponse received = queue.next(WAIT);
      assertThat(received).isNotNull();
      var props = received.getProps();
      assertThat(props.getMessageId()).isEqualTo(id.toString());
      assertThat(props.getContentType()).isEqualTo("application/json");
      assertThat(props.getTimestamp()).isNotNull();
      assertThat(props.getDeliveryMode()).isEqualTo(2);
      Map<String, Object> headers = props.getHeaders();
      assertThat(headers.get("x-rms-topic").toString()).isEqualTo("order.created");
      assertThat(headers.get("x-rms-subscription").toString()).isEqualTo("cart.order-created");
      assertThat(headers.get("x-rms-attempt")).isEqualTo(1);
      assertThat(headers.get("x-rms-producer").toString()).isEqualTo("orders");
      assertThat(headers.get("x-rms-business-key").toString()).isEqualTo("42");
      assertThat(headers.get("x-rms-ordering-key").toString()).isEqualTo("customer-7");
      assertThat(headers.get("tenant").toString()).isEqualTo("eu");
      assertThat(Api.JSON.readTree(new String(received.getBody(), StandardCharsets.UTF_8)))
          .isEqualTo(Api.JSON.readTree("{\"orderId\":42,\"items\":[\"apple\",\"pear\"]}"));

      Await.until(
          WAIT, "PUBLISHED", () -> "PUBLISHED".equals(deliveryStatus(id, "cart.order-created")));
      Response ack = as("cart").ack("cart.order-created", id);
      assertThat(ack.status()).isEqualTo(200);
      assertThat(ack.body().get("items").get(0).get("outcome").asString()).isEqualTo("ACKED");

      Response message = orders.get("/api/v1/messages/" + id);
      assertThat(message.text("status")).isEqualTo("DELIVERED");
      assertThat(message.text("finishedAt")).isNotNull();
      var delivery = message.body().get("deliveries").get(0);
      assertThat(delivery.get("status").asString()).isEqualTo("ACKED");
      assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
      assertThat(delivery.get("ackedAt").isNull()).isFalse();
    }
  }

  @Test
  void fanOutReachesEverySubscriptionAndOnlyAllAcksMakeItDelivered() {
    Api orders = as("orders");
    try (BrokerProbe cart = queue("cart.fanout");
        BrokerProbe audit = queue("audit.fanout")) {
      cart.purge();
      audit.purge();
      Response sent = orders.send("order.fanout", "payload", "[1,2]");
      assertThat(sent.status()).isEqualTo(201);
      UUID id = sent.id();
      assertThat(cart.next(WAIT).getProps().getMessageId()).isEqualTo(id.toString());
      assertThat(audit.next(WAIT).getProps().getMessageId()).isEqualTo(id.toString());

      as("cart").ack("cart.fanout", id);
      Response afterOne = orders.get("/api/v1/messages/" + id);
      assertThat(afterOne.text("status")).isEqualTo("CONFIRMED");
      assertThat(deliveryStatus(id, "cart.fanout")).isEqualTo("ACKED");
      assertThat(deliveryStatus(id, "audit.fanout")).isIn("SCHEDULED", "PUBLISHED");

      as("audit").ack("audit.fanout", id);
      assertThat(orders.get("/api/v1/messages/" + id).text("status")).isEqualTo("DELIVERED");
    }
  }

  @Test
  void cancelledMessageIsNeverPublished() {
    Api orders = as("orders");
    try (BrokerProbe queue = queue("cart.order-created")) {
      queue.purge();
      UUID id = prepare(orders, "order.created", Map.of()).id();
      Response cancelled = orders.post("/api/v1/messages/" + id + "/cancel");
      assertThat(cancelled.status()).isEqualTo(200);
      assertThat(cancelled.text("status")).isEqualTo("CANCELLED");
      assertThat(queue.next(Duration.ofMillis(500))).isNull();
      assertThat(
              jdbc.queryForObject(
                  "select count(*) from delivery where message_id = ?", Integer.class, id))
          .isZero();
    }
  }

  @Test
  void confirmAfterCancelIsRejectedAndRecorded() {
    Api orders = as("orders");
    UUID id = prepare(orders, "order.created", Map.of()).id();
    Response confirm = illegalAfter(orders, id, "cancel", "confirm");
    assertThat(confirm.contentType()).startsWith("application/problem+json");
    var events = orders.get("/api/v1/messages/" + id).body().get("events");
    assertThat(events.size()).isEqualTo(1);
    assertThat(events.get(0).get("type").asString()).isEqualTo("CONFLICT");
    assertThat(events.get(0).get("actor").asString()).isEqualTo("orders");
    assertThat(events.get(0).get("detail").get("command").asString()).isEqualTo("confirm");
    assertThat(orders.get("/api/v1/messages/" + id).text("status")).isEqualTo("CANCELLED");
  }

  @Test
  void cancelAfterConfirmIsRejected() {
    Api orders = as("orders");
    UUID id = prepare(orders, "order.created", Map.of()).id();
    illegalAfter(orders, id, "confirm", "cancel");
    assertThat(orders.get("/api/v1/messages/" + id).text("status")).isIn("CONFIRMED", "DELIVERED");
  }

  /** Applies {@code first} to the message, then {@code second}, which must be refused with 409. */
  private static Response illegalAfter(Api orders, UUID id, String first, String second) {
    orders.post("/api/v1/messages/" + id + "/" + first);
    Response refused = orders.post("/api/v1/messages/" + id + "/" + second);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.code()).isEqualTo("illegal-transition");
    return refused;
  }

  @Test
  void repeatedPrepareConfirmCancelAndAckAreHarmless() {
    Api orders = as("orders");
    String key = "order-" + UUID.randomUUID();
    Response first = prepare(orders, "order.created", Map.of("producerMessageId", key));
    Response again = prepare(orders, "order.created", Map.of("producerMessageId", key));
    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.id()).isEqualTo(first.id());
    Response different =
        prepare(
            orders,
            "order.created",
            Map.of("producerMessageId", key, "payload", Map.of("orderId", 43)));
    assertThat(different.status()).isEqualTo(409);
    assertThat(different.code()).isEqualTo("idempotency-conflict");

    UUID id = first.id();
    assertThat(orders.post("/api/v1/messages/" + id + "/confirm").status()).isEqualTo(200);
    assertThat(orders.post("/api/v1/messages/" + id + "/confirm").status()).isEqualTo(200);
    assertThat(
            jdbc.queryForObject(
                "select count(*) from delivery where message_id = ?", Integer.class, id))
        .isEqualTo(1);

    Api cart = as("cart");
    Response ack1 = cart.ack("cart.order-created", id);
    Response ack2 = cart.ack("cart.order-created", id);
    assertThat(ack1.body().get("items").get(0).get("outcome").asString()).isEqualTo("ACKED");
    assertThat(ack2.body().get("items").get(0).get("outcome").asString())
        .isEqualTo("ALREADY_ACKED");
    assertThat(orders.get("/api/v1/messages/" + id).text("status")).isEqualTo("DELIVERED");
    assertThat(orders.post("/api/v1/messages/" + id + "/confirm").status()).isEqualTo(200);

    UUID other = prepare(orders, "order.created", Map.of()).id();
    assertThat(orders.post("/api/v1/messages/" + other + "/cancel").status()).isEqualTo(200);
    assertThat(orders.post("/api/v1/messages/" + other + "/cancel").status()).isEqualTo(200);
  }

  @Test
  void sendWithTheSameKeyAnswersTheExistingMessage() {
    Api orders = as("orders");
    String key = "send-" + UUID.randomUUID();
    Map<String, Object> body =
        Map.of("topic", "order.created", "payload", 7, "producerMessageId", key);
    Response first = orders.post("/api/v1/messages/send", body);
    Response second = orders.post("/api/v1/messages/send", body);
    assertThat(first.status()).isEqualTo(201);
    assertThat(first.text("status")).isEqualTo("CONFIRMED");
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.id()).isEqualTo(first.id());
  }

  @Test
  void nackWithRetrySchedulesAgainAndWithoutRetryMakesItDead() {
    Api orders = as("orders");
    Api cart = as("cart");
    UUID retried = orders.send("order.created", "payload", 1).id();
    Await.until(
        WAIT, "published", () -> "PUBLISHED".equals(deliveryStatus(retried, "cart.order-created")));
    Response nack = cart.nack("cart.order-created", retried, "stock service down", true);
    assertThat(nack.status()).isEqualTo(200);
    assertThat(nack.text("status")).isEqualTo("SCHEDULED");
    assertThat(nack.text("nextAttemptAt")).isNotNull();
    var delivery = orders.get("/api/v1/messages/" + retried).body().get("deliveries").get(0);
    assertThat(delivery.get("lastError").asString()).isEqualTo("stock service down");

    UUID dead = orders.send("order.created", "payload", 2).id();
    Await.until(
        WAIT, "published", () -> "PUBLISHED".equals(deliveryStatus(dead, "cart.order-created")));
    Response poison = cart.nack("cart.order-created", dead, "unparseable", false);
    assertThat(poison.text("status")).isEqualTo("DEAD");
    var view = orders.get("/api/v1/messages/" + dead).body();
    assertThat(view.get("deliveries").get(0).get("status").asString()).isEqualTo("DEAD");
    assertThat(view.get("events").findValuesAsString("type")).contains("NACK", "DEAD");
    assertThat(view.get("status").asString()).isEqualTo("CONFIRMED");
  }

  @Test
  void anAckThatOvertakesThePublishBookkeepingStillCountsOneAttempt() {
    UUID id = as("orders").send("order.created", "payload", 3).id();
    as("cart").ack("cart.order-created", id);
    Await.until(WAIT, "acked", () -> "ACKED".equals(deliveryStatus(id, "cart.order-created")));
    var delivery = as("orders").get("/api/v1/messages/" + id).body().get("deliveries").get(0);
    assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
    assertThat(as("orders").get("/api/v1/messages/" + id).text("status")).isEqualTo("DELIVERED");
  }

  /** Puts a published delivery back to where its publish bookkeeping has not landed yet. */
  private UUID publishedButNotBooked(Api orders, int payload) {
    UUID id = orders.send("order.created", "payload", payload).id();
    Await.until(
        WAIT, "published", () -> "PUBLISHED".equals(deliveryStatus(id, "cart.order-created")));
    jdbc.update(
        """
        update delivery set status = 'SCHEDULED', attempts = 0, published_at = null,
                            ack_deadline = null, next_attempt_at = now() + interval '30 seconds'
         where message_id = ? and subscription = 'cart.order-created'
        """,
        id);
    return id;
  }

  @Test
  void aNackThatOvertakesThePublishBookkeepingBooksTheAttemptAndKeepsItsBackoff() {
    Api orders = as("orders");
    UUID id = publishedButNotBooked(orders, 4);

    Response nack = as("cart").nack("cart.order-created", id, "stock service down", true);
    assertThat(nack.status()).isEqualTo(200);
    assertThat(nack.text("status")).isEqualTo("SCHEDULED");
    // the late bookkeeping of copy 1 no longer applies
    assertThat(
            deliveries.markPublished(
                List.of(
                    new DeliveryStore.Published(
                        id, "cart.order-created", 1, Duration.ofSeconds(60)))))
        .isZero();

    var delivery = orders.get("/api/v1/messages/" + id).body().get("deliveries").get(0);
    assertThat(delivery.get("status").asString()).isEqualTo("SCHEDULED");
    assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
    assertThat(delivery.get("lastError").asString()).isEqualTo("stock service down");
    Boolean onBackoffNotAckTimeout =
        jdbc.queryForObject(
            """
            select ack_deadline is null and next_attempt_at is not null from delivery
             where message_id = ? and subscription = 'cart.order-created'
            """,
            Boolean.class,
            id);
    assertThat(onBackoffNotAckTimeout)
        .as("due after the backoff, not after an ack timeout")
        .isTrue();
  }

  @Test
  void aNackWithoutRetryThatOvertakesThePublishBookkeepingBuriesTheFirstAttempt() {
    Api orders = as("orders");
    UUID id = publishedButNotBooked(orders, 5);

    Response nack = as("cart").nack("cart.order-created", id, "unparseable", false);

    assertThat(nack.text("status")).isEqualTo("DEAD");
    var delivery = orders.get("/api/v1/messages/" + id).body().get("deliveries").get(0);
    assertThat(delivery.get("status").asString()).isEqualTo("DEAD");
    assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
  }
}
