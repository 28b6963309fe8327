package io.rms.service.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import io.rms.recovery.RedeliverySweep;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.Await;
import io.rms.service.testing.BrokerProbe;
import io.rms.service.testing.IntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Ack timeouts, redelivery with rising attempts, dead letters, operator redeliver, delays. */
class RedeliveryTest extends IntegrationTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String SUB = "cart.order-created";

  @Autowired RedeliverySweep sweep;
  @Autowired RedeliveryPublisher deliveries;

  /** Only this test's due(...) makes work for the sweep. */
  @BeforeEach
  void parkOtherDeliveries() {
    parkUnfinishedDeliveries();
  }

  private UUID send(String topic) {
    Response r = as("orders").send(topic, "payload", "{}");
    assertThat(r.status()).isEqualTo(201);
    return r.id();
  }

  private Map<String, Object> delivery(UUID id, String subscription) {
    return jdbc.queryForMap(
        "select status, attempts, last_error from delivery where message_id = ? and subscription = ?",
        id,
        subscription);
  }

  private void awaitDelivery(UUID id, String subscription, String status, int attempts) {
    Await.until(
        WAIT,
        status + " with " + attempts + " attempts",
        () -> {
          Map<String, Object> d = delivery(id, subscription);
          return d.get("status").equals(status) && ((Integer) d.get("attempts")) == attempts;
        });
  }

  /** Moves the delivery's deadline (ack deadline or due time) into the past. */
  private void due(UUID id, String subscription) {
    jdbc.update(
        """
        update delivery set next_attempt_at = now() - interval '1 second',
               ack_deadline = case when status = 'PUBLISHED' then now() - interval '1 second' end
         where message_id = ? and subscription = ?
        """,
        id,
        subscription);
  }

  /** Runs the sweep and waits until the outcomes of the publishes it started are recorded. */
  private void sweepAndSettle() {
    sweep.run();
    Await.until(WAIT, "publish outcomes recorded", () -> deliveries.inFlight() == 0);
  }

  private static int attemptHeader(GetResponse r) {
    return ((Number) r.getProps().getHeaders().get("x-rms-attempt")).intValue();
  }

  private List<String> eventTypes(UUID id) {
    JsonNode items = as("ops").get("/api/v1/admin/events?messageId=" + id).body().get("items");
    List<String> types = new ArrayList<>();
    items.forEach(e -> types.add(e.get("type").asString()));
    java.util.Collections.reverse(types);
    return types;
  }

  /**
   * The next message of {@code id} on the queue; other tests' deliveries on the shared subscription
   * (the sweep republishes whatever is due in the shared database) are skipped.
   */
  private static GetResponse nextOf(BrokerProbe queue, UUID id, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      GetResponse r = queue.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if (r == null || r.getProps().getMessageId().equals(id.toString())) {
        return r;
      }
    }
    return null;
  }

  @Test
  void consumerThatNeverAcksGetsRedeliveriesWithRisingAttemptUntilDead() {
    UUID id;
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      id = send("order.created");
      assertThat(attemptHeader(nextOf(queue, id, WAIT))).isEqualTo(1);
      awaitDelivery(id, SUB, "PUBLISHED", 1);

      for (int attempt = 2; attempt <= 3; attempt++) {
        due(id, SUB);
        sweepAndSettle(); // ack timeout: PUBLISHED -> SCHEDULED, due after half the backoff
        assertThat(delivery(id, SUB).get("status")).isEqualTo("SCHEDULED");
        due(id, SUB);
        sweepAndSettle(); // due: published with the next attempt
        GetResponse again = nextOf(queue, id, WAIT);
        assertThat(again).as("redelivery " + attempt).isNotNull();
        assertThat(again.getProps().getMessageId()).isEqualTo(id.toString());
        assertThat(attemptHeader(again)).isEqualTo(attempt);
        awaitDelivery(id, SUB, "PUBLISHED", attempt);
      }

      due(id, SUB);
      sweep.run();
      Map<String, Object> dead = delivery(id, SUB);
      assertThat(dead.get("status")).isEqualTo("DEAD");
      assertThat(dead.get("attempts")).isEqualTo(3);
      assertThat((String) dead.get("last_error")).contains("attempts exhausted");
      assertThat(nextOf(queue, id, Duration.ofMillis(500))).as("no fourth attempt").isNull();
    }
    assertThat(eventTypes(id)).containsExactly("ACK_TIMEOUT", "ACK_TIMEOUT", "DEAD");
    assertThat(as("orders").get("/api/v1/messages/" + id).text("status")).isEqualTo("CONFIRMED");
  }

  @Test
  void aRedeliveryCarriesTheMessagesTraceContextLikeTheFirstPublish() {
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      Response sent =
          as("orders")
              .post(
                  "/api/v1/messages/send",
                  Map.of("topic", "order.created", "payload", Map.of()),
                  Map.of("traceparent", traceparent, "tracestate", "congo=t61rcWkgMzE"));
      UUID id = sent.id();
      GetResponse first = nextOf(queue, id, WAIT);
      awaitDelivery(id, SUB, "PUBLISHED", 1);
      due(id, SUB);
      sweepAndSettle();
      due(id, SUB);
      sweepAndSettle();
      GetResponse again = nextOf(queue, id, WAIT);
      assertThat(attemptHeader(again)).isEqualTo(2);
      for (GetResponse copy : List.of(first, again)) {
        assertThat(copy.getProps().getHeaders().get("traceparent").toString())
            .isEqualTo(traceparent);
        assertThat(copy.getProps().getHeaders().get("tracestate").toString())
            .isEqualTo("congo=t61rcWkgMzE");
      }
      awaitDelivery(id, SUB, "PUBLISHED", 2);
      as("cart").ack(SUB, id);
    }
  }

  @Test
  void consumerThatCrashedBeforeAckingGetsTheRedeliveryAndItsAckDeliversTheMessage() {
    UUID id;
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      id = send("order.created");
      assertThat(queue.next(WAIT)).as("received, then the consumer crashed").isNotNull();
      awaitDelivery(id, SUB, "PUBLISHED", 1);
      due(id, SUB);
      sweepAndSettle(); // ack timeout: PUBLISHED -> SCHEDULED, due after half the backoff
      assertThat(delivery(id, SUB).get("status")).isEqualTo("SCHEDULED");
      due(id, SUB);
      sweepAndSettle();
      GetResponse again = queue.next(WAIT);
      assertThat(attemptHeader(again)).isEqualTo(2);
      awaitDelivery(id, SUB, "PUBLISHED", 2);
    }
    as("cart").ack(SUB, id);
    assertThat(delivery(id, SUB).get("status")).isEqualTo("ACKED");
    assertThat(as("orders").get("/api/v1/messages/" + id).text("status")).isEqualTo("DELIVERED");
  }

  @Test
  void nackWithoutRetryIsDeadAndOperatorRedeliverGetsItDelivered() {
    UUID id;
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      id = send("order.created");
      assertThat(queue.next(WAIT)).isNotNull();
      awaitDelivery(id, SUB, "PUBLISHED", 1);

      Response nack = as("cart").nack(SUB, id, "poison", false);
      assertThat(nack.status()).isEqualTo(200);
      assertThat(delivery(id, SUB).get("status")).isEqualTo("DEAD");
      due(id, SUB);
      sweep.run();
      assertThat(delivery(id, SUB).get("status"))
          .as("the sweep leaves DEAD alone")
          .isEqualTo("DEAD");
      assertThat(queue.next(Duration.ofMillis(300))).isNull();

      Response redeliver =
          as("ops")
              .post(
                  "/api/v1/admin/deliveries/redeliver",
                  Map.of("messageId", id, "subscription", SUB));
      assertThat(redeliver.status()).isEqualTo(200);
      JsonNode item = redeliver.body().get("items").get(0);
      assertThat(item.get("previousStatus").asString()).isEqualTo("DEAD");
      assertThat(item.get("attempt").asInt()).isEqualTo(2);

      GetResponse again = queue.next(WAIT);
      assertThat(again).isNotNull();
      assertThat(attemptHeader(again)).isEqualTo(2);
      awaitDelivery(id, SUB, "PUBLISHED", 2);
      as("cart").ack(SUB, id);
    }
    assertThat(as("orders").get("/api/v1/messages/" + id).text("status")).isEqualTo("DELIVERED");
    JsonNode events = as("ops").get("/api/v1/admin/events?type=REDELIVER&messageId=" + id).body();
    assertThat(events.get("items").get(0).get("actor").asString()).isEqualTo("operator:ops");
    assertThat(events.get("items").get(0).get("detail").get("from").asString()).isEqualTo("DEAD");

    Response acked =
        as("ops")
            .post(
                "/api/v1/admin/deliveries/redeliver", Map.of("messageId", id, "subscription", SUB));
    assertThat(acked.status()).as("an acked delivery is not redelivered").isEqualTo(409);
    assertThat(
            as("cart")
                .post(
                    "/api/v1/admin/deliveries/redeliver",
                    Map.of("messageId", id, "subscription", SUB))
                .status())
        .isEqualTo(403);
  }

  @Test
  void bulkRedeliverTakesAtMostLimitDeadDeliveriesOfTheSubscription() {
    String sub = "audit.fanout";
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      UUID id = send("order.fanout");
      ids.add(id);
      awaitDelivery(id, sub, "PUBLISHED", 1);
      as("audit").nack(sub, id, "broken", false);
    }
    Response bulk =
        as("ops")
            .post(
                "/api/v1/admin/deliveries/redeliver",
                Map.of("subscription", sub, "status", "DEAD", "limit", 2));
    assertThat(bulk.status()).isEqualTo(200);
    assertThat(bulk.body().get("items").size()).isEqualTo(2);
    bulk.body()
        .get("items")
        .forEach(i -> assertThat(i.get("previousStatus").asString()).isEqualTo("DEAD"));
    Response rest =
        as("ops")
            .post(
                "/api/v1/admin/deliveries/redeliver",
                Map.of("subscription", sub, "status", "DEAD", "limit", 100));
    assertThat(rest.body().get("items").size()).isGreaterThanOrEqualTo(1);
    for (UUID id : ids) {
      awaitDelivery(id, sub, "PUBLISHED", 2);
    }
    try (BrokerProbe audit = queue(sub);
        BrokerProbe cart = queue("cart.fanout")) {
      audit.purge();
      cart.purge();
    }
  }

  @Test
  void delayedDeliveryIsNotPublishedBeforeItIsDue() {
    try (BrokerProbe queue = queue("cart.delayed")) {
      queue.purge();
      Response sent = sendDueInAnHour();
      assertThat(sent.status()).isEqualTo(201);
      UUID id = sent.id();
      sweep.run();
      assertThat(queue.next(Duration.ofMillis(500))).isNull();
      assertThat(delivery(id, "cart.delayed").get("status")).isEqualTo("SCHEDULED");
      assertThat(delivery(id, "cart.delayed").get("attempts")).isEqualTo(0);

      due(id, "cart.delayed");
      sweep.run();
      GetResponse received = queue.next(WAIT);
      assertThat(received).isNotNull();
      assertThat(received.getProps().getMessageId()).isEqualTo(id.toString());
      assertThat(attemptHeader(received)).isEqualTo(1);
      awaitDelivery(id, "cart.delayed", "PUBLISHED", 1);
    }
  }

  @Test
  void immediatePublishLostIsPublishedByTheSweepAfterTheGrace() {
    try (BrokerProbe queue = queue("cart.delayed")) {
      queue.purge();
      // a delivery committed but never handed to the broker (crash between commit and publish)
      UUID id = send("order.delayed");
      assertThat(queue.next(WAIT)).isNotNull();
      awaitDelivery(id, "cart.delayed", "PUBLISHED", 1);
      jdbc.update(
          """
          update delivery set status = 'SCHEDULED', attempts = 0, ack_deadline = null,
                 next_attempt_at = now() + interval '30 seconds'
           where message_id = ?
          """,
          id);
      sweep.run();
      assertThat(queue.next(Duration.ofMillis(300))).as("within the grace").isNull();
      due(id, "cart.delayed");
      sweep.run();
      assertThat(attemptHeader(queue.next(WAIT))).isEqualTo(1);
      awaitDelivery(id, "cart.delayed", "PUBLISHED", 1);
    }
  }
}
