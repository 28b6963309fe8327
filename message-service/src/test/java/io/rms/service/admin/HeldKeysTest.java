package io.rms.service.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import io.rms.service.dashboard.DashboardUsersFixture;
import io.rms.service.dashboard.users.DashboardUsers;
import io.rms.service.dashboard.users.Role;
import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.BrokerProbe;
import io.rms.service.testing.DashboardClient;
import io.rms.service.testing.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * An operator sees which ordering keys are held on an ordered subscription, by which message and
 * why (DEAD, unacked, PREPARED), with how many messages wait behind it, in the admin API and on the
 * dashboard; a key leaves the list when its blocker is discarded, acked or cancelled.
 */
class HeldKeysTest extends IntegrationTest {
  private static final String TOPIC = "order.poison";
  private static final String SUB = "cart.poison";
  private static final String HELD = "/api/v1/admin/subscriptions/" + SUB + "/held-keys";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Autowired DashboardUsers users;

  private Api orders;
  private Api cart;
  private Api ops;

  @BeforeEach
  void clients() {
    orders = as("orders");
    cart = as("cart");
    ops = as("ops");
    DashboardUsersFixture.ensure(users, "viewer", Role.VIEWER);
  }

  private static String key() {
    return "held-" + UUID.randomUUID().toString().substring(0, 8);
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

  /** The held key of this ordering key, or null when it is not held. */
  private JsonNode held(String key) {
    Response r = ops.get(HELD + "?limit=1000");
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    assertThat(r.text("subscription")).isEqualTo(SUB);
    assertThat(r.body().get("ordered").asBoolean()).isTrue();
    for (JsonNode k : r.body().get("items")) {
      if (k.get("orderingKey").asString().equals(key)) {
        return k;
      }
    }
    return null;
  }

  @Test
  void aDeadHeadIsShownAsTheBlockerUntilItIsDiscarded() {
    String key = key();
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      UUID first = send(key, 1);
      UUID second = send(key, 2);
      UUID third = send(key, 3);
      assertThat(next(queue)).isEqualTo(first);
      Instant beforeDead = Instant.now().minusSeconds(5);
      assertThat(cart.nack(SUB, first, "poison pill", false).status()).isEqualTo(200);

      JsonNode held = held(key);
      assertThat(held).as("the key is held").isNotNull();
      assertThat(held.get("topic").asString()).isEqualTo(TOPIC);
      assertThat(held.get("blockingMessage").asString()).isEqualTo(first.toString());
      assertThat(held.get("reason").asString()).isEqualTo("DEAD");
      assertThat(held.get("messageStatus").asString()).isEqualTo("CONFIRMED");
      assertThat(held.get("deliveryStatus").asString()).isEqualTo("DEAD");
      assertThat(held.get("lastError").asString()).contains("poison pill");
      assertThat(held.get("attempts").asInt()).isEqualTo(1);
      assertThat(held.get("waiting").asLong()).isEqualTo(2);
      assertThat(Instant.parse(held.get("since").asString())).isAfter(beforeDead);
      assertThat(held.get("ageSeconds").asDouble()).isBetween(0.0, 60.0);

      DashboardClient viewer =
          DashboardClient.loggedIn(port, "viewer", DashboardUsersFixture.password("viewer"));
      String page = viewer.get("/dashboard/subscriptions/" + SUB + "/held-keys").body();
      assertThat(page)
          .contains(key)
          .contains("href=\"/dashboard/messages/" + first + "\"")
          .contains("data-reason=\"DEAD\"")
          .contains("poison pill");
      assertThat(viewer.get("/dashboard").body())
          .as("the overview links the subscription's held keys")
          .contains("/dashboard/subscriptions/" + SUB + "/held-keys");

      Response discarded =
          ops.post(
              "/api/v1/admin/deliveries/discard", Map.of("messageId", first, "subscription", SUB));
      assertThat(discarded.status()).isEqualTo(200);
      assertThat(next(queue)).isEqualTo(second);
      JsonNode unacked = held(key);
      assertThat(unacked.get("blockingMessage").asString())
          .as("the released head holds the third message until its ack")
          .isEqualTo(second.toString());
      assertThat(unacked.get("reason").asString()).isEqualTo("UNACKED");
      assertThat(unacked.get("waiting").asLong()).isEqualTo(1);
      assertThat(cart.ack(SUB, second).status()).isEqualTo(200);
      assertThat(next(queue)).isEqualTo(third);
      assertThat(held(key)).as("nothing waits behind the last message").isNull();
      assertThat(cart.ack(SUB, third).status()).isEqualTo(200);
      assertThat(viewer.get("/dashboard/subscriptions/" + SUB + "/held-keys").body())
          .doesNotContain(key);
    }
  }

  @Test
  void aDeadHeadWithNothingBehindItParksItsKeySinceItDied() {
    String key = key();
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      UUID only = send(key, 1);
      assertThat(next(queue)).isEqualTo(only);
      assertThat(cart.nack(SUB, only, "broken", false).status()).isEqualTo(200);
      JsonNode held = held(key);
      assertThat(held).as("a DEAD head parks its key").isNotNull();
      assertThat(held.get("reason").asString()).isEqualTo("DEAD");
      assertThat(held.get("waiting").asLong()).isZero();
      Instant died =
          jdbc.queryForObject(
                  "select at from message_event where message_id = ? and type = 'DEAD'",
                  java.sql.Timestamp.class,
                  only)
              .toInstant();
      assertThat(Instant.parse(held.get("since").asString())).isEqualTo(died);
      assertThat(
              ops.post(
                      "/api/v1/admin/deliveries/discard",
                      Map.of("messageId", only, "subscription", SUB))
                  .status())
          .isEqualTo(200);
      assertThat(held(key)).isNull();
    }
  }

  @Test
  void anUnackedHeadHoldsItsKeyUntilItsAck() {
    String key = key();
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      UUID first = send(key, 1);
      assertThat(next(queue)).isEqualTo(first);
      assertThat(held(key)).as("a head with nothing behind it holds nothing").isNull();
      UUID second = send(key, 2);

      JsonNode held = held(key);
      assertThat(held).isNotNull();
      assertThat(held.get("blockingMessage").asString()).isEqualTo(first.toString());
      assertThat(held.get("reason").asString()).isEqualTo("UNACKED");
      assertThat(held.get("deliveryStatus").asString()).isEqualTo("PUBLISHED");
      assertThat(held.get("waiting").asLong()).isEqualTo(1);

      assertThat(cart.ack(SUB, first).status()).isEqualTo(200);
      assertThat(held(key)).as("the ack released the key").isNull();
      assertThat(next(queue)).isEqualTo(second);
      assertThat(cart.ack(SUB, second).status()).isEqualTo(200);
    }
  }

  @Test
  void aPreparedHeadHoldsItsKeyUntilItIsCancelled() {
    String key = key();
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      UUID first = orders.prepare(TOPIC, "orderingKey", key, "payload", "{}").id();
      UUID second = send(key, 2);

      JsonNode held = held(key);
      assertThat(held).isNotNull();
      assertThat(held.get("blockingMessage").asString()).isEqualTo(first.toString());
      assertThat(held.get("reason").asString()).isEqualTo("PREPARED");
      assertThat(held.get("messageStatus").asString()).isEqualTo("PREPARED");
      assertThat(held.get("deliveryStatus").isNull()).isTrue();
      assertThat(held.get("waiting").asLong()).isEqualTo(1);

      assertThat(orders.post("/api/v1/messages/" + first + "/cancel").status()).isEqualTo(200);
      assertThat(held(key)).isNull();
      assertThat(next(queue)).isEqualTo(second);
      assertThat(cart.ack(SUB, second).status()).isEqualTo(200);
    }
  }

  @Test
  void anInDoubtHeadHoldsItsKeyUntilAnOperatorResolvesIt() {
    String key = key();
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      UUID first = orders.prepare(TOPIC, "orderingKey", key, "payload", "{}").id();
      UUID second = send(key, 2);
      // what the check-back does when it gives up on the producer
      assertThat(
              jdbc.update(
                  "update message set status = 'IN_DOUBT' where id = ? and status = 'PREPARED'",
                  first))
          .isEqualTo(1);

      JsonNode held = held(key);
      assertThat(held.get("blockingMessage").asString()).isEqualTo(first.toString());
      assertThat(held.get("reason").asString()).isEqualTo("IN_DOUBT");
      assertThat(held.get("deliveryStatus").isNull()).isTrue();

      Response resolved =
          ops.post("/api/v1/admin/messages/" + first + "/resolve", Map.of("decision", "ROLLBACK"));
      assertThat(resolved.status()).as(resolved.raw()).isEqualTo(200);
      assertThat(held(key)).isNull();
      assertThat(next(queue)).isEqualTo(second);
      assertThat(cart.ack(SUB, second).status()).isEqualTo(200);
    }
  }

  @Test
  void theListIsBoundedByItsLimitAndSaysWhenMoreAreHeld() {
    String a = key();
    String b = key();
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      UUID a1 = send(a, 1);
      send(a, 2);
      UUID b1 = send(b, 1);
      send(b, 2);
      queue.drain(Duration.ofMillis(300));
      Response one = ops.get(HELD + "?limit=1");
      assertThat(one.status()).isEqualTo(200);
      assertThat(one.body().get("items").size()).isEqualTo(1);
      assertThat(one.body().get("more").asBoolean()).isTrue();
      assertThat(cart.ack(SUB, a1, b1).status()).isEqualTo(200);
      for (GetResponse r : queue.drain(Duration.ofMillis(500))) {
        cart.ack(SUB, UUID.fromString(r.getProps().getMessageId()));
      }
    }
  }
}
