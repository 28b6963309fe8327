package io.rms.service.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import io.rms.service.registry.Registry;
import io.rms.service.testing.Api;
import io.rms.service.testing.BrokerProbe;
import io.rms.service.testing.IntegrationTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The edges of an ordered subscription's keys (docs/design.md §5.1): a key's head confirmed while
 * the subscription is inactive, and a subscription whose topic changed while its deliveries wait.
 * In both the next message of the key flows without any further message on the key. Registry
 * changes are made as the dashboard makes them: the row, then a refresh of this replica's cache.
 */
class OrderedKeyEdgesTest extends IntegrationTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Autowired Registry registry;

  private Api orders;
  private Api cart;

  @BeforeEach
  void clients() {
    orders = as("orders");
    cart = as("cart");
  }

  private void change(String sql, Object... args) {
    jdbc.update(sql, args);
    registry.refresh();
  }

  private UUID next(BrokerProbe queue) {
    GetResponse r = queue.next(WAIT);
    assertThat(r).as("a delivery arrives").isNotNull();
    return UUID.fromString(r.getProps().getMessageId());
  }

  private String deliveryStatus(UUID id, String subscription) {
    return jdbc.queryForObject(
        "select status from delivery where message_id = ? and subscription = ?",
        String.class,
        id,
        subscription);
  }

  @Test
  void aHeadConfirmedWhileTheSubscriptionIsInactiveLetsTheNextMessageFlow() {
    String sub = "cart.paused";
    String key = UUID.randomUUID().toString();
    try (BrokerProbe queue = queue(sub)) {
      queue.purge();
      UUID head = orders.prepare("order.paused", "orderingKey", key, "payload", "{}").id();
      UUID second = orders.send("order.paused", "orderingKey", key, "payload", "{}").id();
      assertThat(deliveryStatus(second, sub)).isEqualTo("WAITING");
      try {
        change("update subscription set active = false where name = ?", sub);
        assertThat(orders.post("/api/v1/messages/" + head + "/confirm").status()).isEqualTo(200);
        assertThat(orders.get("/api/v1/messages/" + head).text("status"))
            .as("no active subscription: the head is finished without deliveries")
            .isEqualTo("DELIVERED");
      } finally {
        change("update subscription set active = true where name = ?", sub);
      }
      assertThat(next(queue))
          .as("the next message flows without a further message on the key")
          .isEqualTo(second);
      assertThat(cart.ack(sub, second).status()).isEqualTo(200);
      UUID third = orders.send("order.paused", "orderingKey", key, "payload", "{}").id();
      assertThat(next(queue)).isEqualTo(third);
      cart.ack(sub, third);
    }
  }

  @Test
  void aTopicChangeKeepsTheDeliveriesOfTheOldTopicFlowingInOrder() {
    String sub = "cart.moved";
    String key = UUID.randomUUID().toString();
    try (BrokerProbe queue = queue(sub)) {
      queue.purge();
      UUID first = orders.send("order.moved", "orderingKey", key, "payload", "{}").id();
      UUID second = orders.send("order.moved", "orderingKey", key, "payload", "{}").id();
      UUID third = orders.send("order.moved", "orderingKey", key, "payload", "{}").id();
      assertThat(next(queue)).isEqualTo(first);
      try {
        change("update subscription set topic = 'order.moved-to' where name = ?", sub);
        assertThat(cart.ack(sub, first).status()).isEqualTo(200);
        assertThat(next(queue)).as("the ack of the head released the next").isEqualTo(second);
        assertThat(queue.next(Duration.ofMillis(300))).as("one at a time").isNull();
        assertThat(deliveryStatus(third, sub)).isEqualTo("WAITING");
        cart.ack(sub, second);
        assertThat(next(queue)).isEqualTo(third);
        cart.ack(sub, third);
        UUID moved = orders.send("order.moved-to", "orderingKey", key, "payload", "{}").id();
        assertThat(next(queue)).as("the new topic's messages flow").isEqualTo(moved);
        cart.ack(sub, moved);
      } finally {
        change("update subscription set topic = 'order.moved' where name = ?", sub);
      }
    }
  }
}
