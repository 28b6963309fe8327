package io.rms.service.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.BrokerProbe;
import io.rms.service.testing.IntegrationTest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a consumer's ack and nack answer in each starting state of a delivery on an ordered
 * subscription (the table of docs/design.md §5), and that a call that changes nothing leaves the
 * delivery as it was: status, attempts, due time, last error and the message's events.
 */
class ConsumerCallsPerStateTest extends IntegrationTest {
  private static final String TOPIC = "order.poison";
  private static final String SUB = "cart.poison";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private Api orders;
  private Api cart;
  private Api ops;
  private BrokerProbe queue;

  @BeforeEach
  void clients() {
    orders = as("orders");
    cart = as("cart");
    ops = as("ops");
  }

  /** A delivery row as a test compares it: everything a consumer call could change. */
  private record Row(
      String status, int attempts, String nextAttemptAt, String lastError, long events) {}

  private Row row(UUID id) {
    return jdbc.queryForObject(
        """
        select d.status, d.attempts, d.next_attempt_at::text, d.last_error,
               (select count(*) from message_event e where e.message_id = d.message_id) as events
          from delivery d where d.message_id = ? and d.subscription = ?
        """,
        (rs, i) ->
            new Row(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getLong(5)),
        id,
        SUB);
  }

  private UUID send(String key, int i) {
    Response r = orders.send(TOPIC, "orderingKey", key, "payload", Map.of("i", i));
    assertThat(r.status()).isEqualTo(201);
    return r.id();
  }

  private UUID next() {
    GetResponse r = queue.next(WAIT);
    assertThat(r).as("a delivery arrives").isNotNull();
    return UUID.fromString(r.getProps().getMessageId());
  }

  private String ack(UUID id) {
    Response r = cart.ack(SUB, id);
    assertThat(r.status()).isEqualTo(200);
    return r.body().get("items").get(0).get("outcome").asString();
  }

  private Response nack(UUID id, boolean retry) {
    return cart.nack(SUB, id, "failed", retry);
  }

  /** Two messages on a fresh key: the first delivered (PUBLISHED), the second WAITING. */
  private UUID[] headAndWaiting() {
    String key = UUID.randomUUID().toString();
    UUID head = send(key, 1);
    UUID waiting = send(key, 2);
    assertThat(next()).isEqualTo(head);
    assertThat(row(waiting).status()).isEqualTo("WAITING");
    return new UUID[] {head, waiting};
  }

  private BrokerProbe openQueue() {
    queue = queue(SUB);
    queue.purge();
    return queue;
  }

  @Test
  void ackOfAWaitingDeliveryAnswersNotDeliveredAndChangesNothing() {
    try (BrokerProbe probe = openQueue()) {
      UUID[] ids = headAndWaiting();
      Row before = row(ids[1]);
      assertThat(ack(ids[1])).isEqualTo("NOT_DELIVERED");
      assertThat(row(ids[1])).isEqualTo(before);
      assertThat(queue.next(Duration.ofMillis(300))).as("it is not released").isNull();
      assertThat(ack(ids[0])).isEqualTo("ACKED");
      assertThat(next()).as("its predecessor's ack releases it").isEqualTo(ids[1]);
      assertThat(ack(ids[1])).isEqualTo("ACKED");
    }
  }

  @Test
  void nackOfAWaitingDeliveryIsRefusedAsNotDeliveredWithEitherRetryAndChangesNothing() {
    try (BrokerProbe probe = openQueue()) {
      UUID[] ids = headAndWaiting();
      Row before = row(ids[1]);
      for (boolean retry : new boolean[] {true, false}) {
        Response refused = nack(ids[1], retry);
        assertThat(refused.status()).as("retry=%s", retry).isEqualTo(409);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.code()).isEqualTo("not-delivered");
        assertThat(row(ids[1])).as("retry=%s", retry).isEqualTo(before);
      }
      assertThat(queue.next(Duration.ofMillis(300))).as("it is not released").isNull();
      assertThat(ack(ids[0])).isEqualTo("ACKED");
      assertThat(next()).as("it keeps its place in its key").isEqualTo(ids[1]);
      assertThat(ack(ids[1])).isEqualTo("ACKED");
    }
  }

  @Test
  void ackOfAPublishedDeliveryAcksItAndReleasesTheNext() {
    try (BrokerProbe probe = openQueue()) {
      UUID[] ids = headAndWaiting();
      assertThat(ack(ids[0])).isEqualTo("ACKED");
      assertThat(row(ids[0]).status()).isEqualTo("ACKED");
      assertThat(next()).isEqualTo(ids[1]);
      assertThat(ack(ids[1])).isEqualTo("ACKED");
    }
  }

  @Test
  void nackOfAPublishedDeliveryReschedulesItWithRetryAndBuriesItWithout() {
    try (BrokerProbe probe = openQueue()) {
      UUID[] ids = headAndWaiting();
      Response retried = nack(ids[0], true);
      assertThat(retried.status()).isEqualTo(200);
      assertThat(retried.text("status")).isEqualTo("SCHEDULED");
      assertThat(retried.text("nextAttemptAt")).isNotNull();
      Row rescheduled = row(ids[0]);
      assertThat(rescheduled.status()).isEqualTo("SCHEDULED");
      assertThat(rescheduled.attempts()).isEqualTo(1);
      assertThat(rescheduled.lastError()).isEqualTo("failed");
      assertThat(row(ids[1]).status()).as("the next stays behind it").isEqualTo("WAITING");
      assertThat(nack(ids[0], false).text("status")).isEqualTo("DEAD");
      discard(ids[0]);
      assertThat(next()).isEqualTo(ids[1]);
      assertThat(ack(ids[1])).isEqualTo("ACKED");

      String key = UUID.randomUUID().toString();
      UUID other = send(key, 1);
      assertThat(next()).isEqualTo(other);
      Response buried = nack(other, false);
      assertThat(buried.status()).isEqualTo(200);
      assertThat(buried.text("status")).isEqualTo("DEAD");
      assertThat(row(other).status()).isEqualTo("DEAD");
      discard(other);
    }
  }

  @Test
  void ackOfADeadDeliveryAcksItLateAndReleasesTheNext() {
    try (BrokerProbe probe = openQueue()) {
      UUID[] ids = headAndWaiting();
      assertThat(nack(ids[0], false).text("status")).isEqualTo("DEAD");
      assertThat(ack(ids[0])).isEqualTo("ACKED");
      assertThat(row(ids[0]).status()).isEqualTo("ACKED");
      assertThat(next()).as("the late ack moves the key on").isEqualTo(ids[1]);
      assertThat(ack(ids[1])).isEqualTo("ACKED");
    }
  }

  @Test
  void nackOfADeadDeliveryAnswersDeadAndChangesNothing() {
    try (BrokerProbe probe = openQueue()) {
      UUID[] ids = headAndWaiting();
      assertThat(nack(ids[0], false).text("status")).isEqualTo("DEAD");
      Row before = row(ids[0]);
      for (boolean retry : new boolean[] {true, false}) {
        Response again = nack(ids[0], retry);
        assertThat(again.status()).as("retry=%s", retry).isEqualTo(200);
        assertThat(again.text("status")).isEqualTo("DEAD");
        assertThat(row(ids[0])).as("retry=%s", retry).isEqualTo(before);
      }
      assertThat(row(ids[1]).status()).isEqualTo("WAITING");
      discard(ids[0]);
      assertThat(next()).isEqualTo(ids[1]);
      assertThat(ack(ids[1])).isEqualTo("ACKED");
    }
  }

  @Test
  void ackOfAnAckedDeliveryAnswersAlreadyAckedAndChangesNothing() {
    try (BrokerProbe probe = openQueue()) {
      UUID[] ids = headAndWaiting();
      assertThat(ack(ids[0])).isEqualTo("ACKED");
      assertThat(next()).isEqualTo(ids[1]);
      Row before = row(ids[0]);
      assertThat(ack(ids[0])).isEqualTo("ALREADY_ACKED");
      assertThat(row(ids[0])).isEqualTo(before);
      assertThat(ack(ids[1])).isEqualTo("ACKED");
    }
  }

  @Test
  void nackOfAnAckedDeliveryAnswersAckedAndChangesNothing() {
    try (BrokerProbe probe = openQueue()) {
      UUID[] ids = headAndWaiting();
      assertThat(ack(ids[0])).isEqualTo("ACKED");
      assertThat(next()).isEqualTo(ids[1]);
      Row before = row(ids[0]);
      for (boolean retry : new boolean[] {true, false}) {
        Response again = nack(ids[0], retry);
        assertThat(again.status()).as("retry=%s", retry).isEqualTo(200);
        assertThat(again.text("status")).isEqualTo("ACKED");
        assertThat(row(ids[0])).as("retry=%s", retry).isEqualTo(before);
      }
      assertThat(ack(ids[1])).isEqualTo("ACKED");
    }
  }

  @Test
  void ackOfADiscardedDeliveryAnswersDiscardedAndChangesNothing() {
    try (BrokerProbe probe = openQueue()) {
      UUID[] ids = headAndWaiting();
      assertThat(nack(ids[0], false).text("status")).isEqualTo("DEAD");
      discard(ids[0]);
      assertThat(next()).isEqualTo(ids[1]);
      Row before = row(ids[0]);
      String messageBefore = orders.get("/api/v1/messages/" + ids[0]).text("status");
      assertThat(ack(ids[0])).isEqualTo("DISCARDED");
      assertThat(row(ids[0])).isEqualTo(before);
      assertThat(orders.get("/api/v1/messages/" + ids[0]).text("status"))
          .isEqualTo(messageBefore)
          .isEqualTo("DELIVERED");
      assertThat(ack(ids[1])).isEqualTo("ACKED");
    }
  }

  @Test
  void nackOfADiscardedDeliveryAnswersDiscardedAndChangesNothing() {
    try (BrokerProbe probe = openQueue()) {
      UUID[] ids = headAndWaiting();
      assertThat(nack(ids[0], false).text("status")).isEqualTo("DEAD");
      discard(ids[0]);
      assertThat(next()).isEqualTo(ids[1]);
      Row before = row(ids[0]);
      for (boolean retry : new boolean[] {true, false}) {
        Response late = nack(ids[0], retry);
        assertThat(late.status()).as("retry=%s", retry).isEqualTo(200);
        assertThat(late.text("status")).isEqualTo("DISCARDED");
        assertThat(late.text("nextAttemptAt")).isNull();
        assertThat(row(ids[0])).as("retry=%s", retry).isEqualTo(before);
      }
      assertThat(ack(ids[1])).isEqualTo("ACKED");
    }
  }

  @Test
  void unknownMessagesAnswerNotFound() {
    UUID unknown = UUID.randomUUID();
    assertThat(ack(unknown)).isEqualTo("NOT_FOUND");
    Response nack = nack(unknown, true);
    assertThat(nack.status()).isEqualTo(404);
    assertThat(nack.code()).isEqualTo("not-found");
  }

  private void discard(UUID id) {
    assertThat(
            ops.post(
                    "/api/v1/admin/deliveries/discard",
                    Map.of("messageId", id, "subscription", SUB))
                .status())
        .isEqualTo(200);
  }
}
