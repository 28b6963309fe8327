package io.rms.service.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Batch calls answer per item; an invalid item fails alone. */
class BatchTest extends IntegrationTest {

  @Test
  void batchPrepareWithMixedItemsCreatesOnlyTheValidOnes() {
    Api orders = as("orders");
    String key = "batch-" + UUID.randomUUID();
    List<Object> items = new ArrayList<>();
    items.add(
        Map.of("topic", "order.created", "payload", Map.of("n", 1), "producerMessageId", key));
    items.add(Map.of("topic", "order.orphan", "payload", 2));
    items.add(
        Map.of("topic", "order.created", "payload", 3, "headers", Map.of("x-rms-topic", "t")));
    items.add(
        Map.of("topic", "order.created", "payload", Map.of("n", 1), "producerMessageId", key));
    items.add(Map.of("topic", "order.created", "payload", 99, "producerMessageId", key));
    items.add(Map.of("payload", 5));
    Response r = orders.post("/api/v1/messages/batch/prepare", Map.of("items", items));
    assertThat(r.status()).isEqualTo(200);
    JsonNode results = r.body().get("items");
    assertThat(results.size()).isEqualTo(6);
    assertThat(results.get(0).get("httpStatus").asInt()).isEqualTo(201);
    assertThat(results.get(0).get("messageStatus").asString()).isEqualTo("PREPARED");
    assertThat(results.get(1).get("code").asString()).isEqualTo("no-subscription");
    assertThat(results.get(2).get("code").asString()).isEqualTo("invalid-headers");
    assertThat(results.get(3).get("httpStatus").asInt()).isEqualTo(200);
    assertThat(results.get(3).get("id").asString()).isEqualTo(results.get(0).get("id").asString());
    assertThat(results.get(4).get("code").asString()).isEqualTo("idempotency-conflict");
    assertThat(results.get(5).get("code").asString()).isEqualTo("validation-failed");
    for (int i = 0; i < 6; i++) {
      assertThat(results.get(i).get("index").asInt()).isEqualTo(i);
    }
    assertThat(
            jdbc.queryForObject(
                "select count(*) from message where producer_message_id = ?", Integer.class, key))
        .isEqualTo(1);
  }

  @Test
  void batchConfirmAndCancelAnswerPerItem() {
    Api orders = as("orders");
    UUID a = orders.prepare("order.created", "payload", 1).id();
    UUID b = orders.prepare("order.created", "payload", 2).id();
    UUID c = orders.prepare("order.created", "payload", 3).id();
    orders.post("/api/v1/messages/" + c + "/cancel");
    UUID missing = UUID.randomUUID();

    JsonNode confirmed =
        orders
            .post("/api/v1/messages/batch/confirm", Map.of("messageIds", List.of(a, b, c, missing)))
            .body()
            .get("items");
    assertThat(confirmed.get(0).get("messageStatus").asString()).isEqualTo("CONFIRMED");
    assertThat(confirmed.get(1).get("messageStatus").asString()).isEqualTo("CONFIRMED");
    assertThat(confirmed.get(2).get("httpStatus").asInt()).isEqualTo(409);
    assertThat(confirmed.get(2).get("code").asString()).isEqualTo("illegal-transition");
    assertThat(confirmed.get(3).get("httpStatus").asInt()).isEqualTo(404);
    assertThat(
            jdbc.queryForObject(
                "select count(*) from delivery where message_id in (?, ?)", Integer.class, a, b))
        .isEqualTo(2);

    JsonNode cancelled =
        orders
            .post("/api/v1/messages/batch/cancel", Map.of("messageIds", List.of(a, c)))
            .body()
            .get("items");
    assertThat(cancelled.get(0).get("code").asString()).isEqualTo("illegal-transition");
    assertThat(cancelled.get(1).get("httpStatus").asInt()).isEqualTo(200);
    assertThat(cancelled.get(1).get("messageStatus").asString()).isEqualTo("CANCELLED");
  }

  @Test
  void batchConfirmCreatesEachTopicsDeliveriesAndAnswersRepeatsAndStrangersPerItem() {
    Api orders = as("orders");
    UUID created = orders.prepare("order.created", "payload", 1).id();
    UUID fanout = orders.prepare("order.fanout", "payload", 2).id();
    Instant later = Instant.now().plus(Duration.ofHours(2));
    UUID delayed =
        orders.prepare("order.delayed", "payload", 3, "deliverAfter", later.toString()).id();
    UUID billings = as("billing").prepare("order.created", "payload", 4).id();

    JsonNode items =
        orders
            .post(
                "/api/v1/messages/batch/confirm",
                Map.of("messageIds", List.of(created, fanout, created, delayed, billings)))
            .body()
            .get("items");
    assertThat(items.get(0).get("httpStatus").asInt()).isEqualTo(200);
    assertThat(items.get(1).get("messageStatus").asString()).isEqualTo("CONFIRMED");
    assertThat(items.get(2).get("httpStatus").asInt())
        .as("a repeat in the same batch")
        .isEqualTo(200);
    assertThat(items.get(2).get("messageStatus").asString()).isEqualTo("CONFIRMED");
    assertThat(items.get(3).get("messageStatus").asString()).isEqualTo("CONFIRMED");
    assertThat(items.get(4).get("httpStatus").asInt()).as("another app's message").isEqualTo(404);

    assertThat(
            jdbc.queryForList(
                "select subscription from delivery where message_id = ? order by 1",
                String.class,
                fanout))
        .containsExactly("audit.fanout", "cart.fanout");
    assertThat(
            jdbc.queryForObject(
                "select pending_deliveries from message where id = ?", Integer.class, fanout))
        .isEqualTo(2);
    assertThat(
            jdbc.queryForObject(
                "select count(*) from delivery where message_id = ?", Integer.class, created))
        .isEqualTo(1);
    assertThat(
            jdbc.queryForObject(
                    "select next_attempt_at from delivery where message_id = ?",
                    java.sql.Timestamp.class,
                    delayed)
                .toInstant())
        .as("due at its deliverAfter (stored to the microsecond), not published now")
        .isCloseTo(later, within(1, java.time.temporal.ChronoUnit.MILLIS));
    assertThat(
            jdbc.queryForObject("select status from message where id = ?", String.class, billings))
        .isEqualTo("PREPARED");
  }

  @Test
  void acksAnswerPerIdAndIgnoreOtherSubscriptionsDeliveries() {
    Api orders = as("orders");
    UUID mine = orders.send("order.created", "payload", 1).id();
    UUID fanout = orders.send("order.fanout", "payload", 1).id();
    UUID unknown = UUID.randomUUID();
    JsonNode items =
        as("cart")
            .post(
                "/api/v1/subscriptions/cart.order-created/acks",
                Map.of("messageIds", List.of(mine, fanout, unknown, mine)))
            .body()
            .get("items");
    assertThat(items.size()).isEqualTo(4);
    assertThat(items.get(0).get("outcome").asString()).isEqualTo("ACKED");
    assertThat(items.get(1).get("outcome").asString()).isEqualTo("NOT_FOUND");
    assertThat(items.get(2).get("outcome").asString()).isEqualTo("NOT_FOUND");
    assertThat(items.get(3).get("outcome").asString()).isEqualTo("ACKED");
    assertThat(orders.get("/api/v1/messages/" + fanout).text("status")).isEqualTo("CONFIRMED");
  }
}
