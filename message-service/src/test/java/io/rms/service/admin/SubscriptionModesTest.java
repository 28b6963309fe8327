package io.rms.service.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.message.DueLeases;
import io.rms.service.registry.Registry;
import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.BrokerProbe;
import io.rms.service.testing.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Delivery modes and pause/resume through the admin API: a pull subscription's deliveries are never
 * published and stay due for its consumer; a push subscription needs an allowed URL; a paused
 * subscription collects deliveries and sends none (the sweep skips it, its ack clock stands still)
 * until it is resumed; every change is audited and every refusal changes nothing.
 */
class SubscriptionModesTest extends IntegrationTest {
  private static final String PATH = "/api/v1/admin/subscriptions";

  @Autowired Registry registry;
  @Autowired DueLeases leases;

  private String topic;
  private Api root;
  private Api ops;
  private Api orders;

  @BeforeEach
  void ordersProducesAFreshTopic() {
    topic = "mode.topic-" + UUID.randomUUID().toString().substring(0, 8);
    jdbc.update("update app set produces = array_append(produces, ?) where id = 'orders'", topic);
    registry.refresh();
    root = as("root");
    ops = as("ops");
    orders = as("orders");
  }

  @AfterEach
  void ordersForgetsTheTopic() {
    jdbc.update("update app set produces = array_remove(produces, ?) where id = 'orders'", topic);
    registry.refresh();
  }

  private String create(String delivery, Object push) {
    String name = "mode.sub-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> body = new HashMap<>(Map.of("name", name, "topic", topic, "app", "audit"));
    body.put("delivery", delivery);
    if (push != null) {
      body.put("push", push);
    }
    Response created = root.post(PATH, body);
    assertThat(created.status()).as(created.raw()).isEqualTo(201);
    return name;
  }

  private Map<String, Object> delivery(UUID id, String subscription) {
    return jdbc.queryForMap(
        "select status, attempts, published_at, next_attempt_at <= now() as due, ack_deadline"
            + " from delivery where message_id = ? and subscription = ?",
        id,
        subscription);
  }

  /** Whether the redelivery sweep's claim of due SCHEDULED deliveries takes this one. */
  private boolean sweepClaims(UUID id, String subscription) {
    return leases.dueToPublish(10_000, Duration.ZERO).stream()
        .anyMatch(k -> k.messageId().equals(id) && k.subscription().equals(subscription));
  }

  @Test
  void aPullSubscriptionsDeliveriesAreNeverPublishedAndAreDueAtOnce() {
    String name = create("pull", null);
    Response view = root.get(PATH + "/" + name);
    assertThat(view.text("delivery")).isEqualTo("pull");
    assertThat(view.body().get("push").isNull()).isTrue();

    UUID id = orders.send(topic, "payload", Map.of("n", 1)).id();
    Map<String, Object> row = delivery(id, name);
    assertThat(row.get("status")).isEqualTo("SCHEDULED");
    assertThat(row.get("attempts")).isEqualTo(0);
    assertThat(row.get("published_at")).as("never published").isNull();
    assertThat(row.get("due"))
        .as("ready for a pull now, not after the publish grace")
        .isEqualTo(true);
    assertThat(sweepClaims(id, name)).as("the sweep leaves it to the pull consumer").isFalse();
  }

  @Test
  void aPushSubscriptionNeedsAnAllowedUrlAndShowsItsLimits() {
    Response missing =
        root.post(
            PATH, Map.of("name", "mode.nourl", "topic", topic, "app", "audit", "delivery", "push"));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.code()).isEqualTo("validation-failed");
    assertThat(missing.raw()).contains("push.url");
    for (String url :
        new String[] {
          "http://169.254.169.254/latest",
          "http://127.0.0.1:9/hook",
          "ftp://receiver.example/x",
          "http://user@receiver.example/x"
        }) {
      Response refused =
          root.post(
              PATH,
              Map.of(
                  "name",
                  "mode.badurl",
                  "topic",
                  topic,
                  "app",
                  "audit",
                  "delivery",
                  "push",
                  "push",
                  Map.of("url", url)));
      assertThat(refused.status()).as(url + ": " + refused.raw()).isEqualTo(400);
      assertThat(refused.raw()).contains("push");
    }
    Response badMode =
        root.post(
            PATH, Map.of("name", "mode.bad", "topic", topic, "app", "audit", "delivery", "smtp"));
    assertThat(badMode.status()).isEqualTo(400);
    assertThat(
            jdbc.queryForObject(
                "select count(*) from subscription where name like 'mode.no%' or name like 'mode.bad%'",
                Long.class))
        .isZero();

    String name =
        create(
            "push",
            Map.of("url", "https://receiver.invalid/rms", "concurrency", 8, "timeoutSeconds", 2.5));
    Response view = root.get(PATH + "/" + name);
    assertThat(view.text("delivery")).isEqualTo("push");
    assertThat(view.body().get("push").get("url").asString())
        .isEqualTo("https://receiver.invalid/rms");
    assertThat(view.body().get("push").get("concurrency").asInt()).isEqualTo(8);
    assertThat(view.body().get("push").get("timeoutSeconds").asDouble()).isEqualTo(2.5);
    assertThat(view.body().get("push").get("rate").asDouble()).as("default").isEqualTo(100.0);
    assertThat(view.body().get("push").get("pauseAfterSeconds").asLong()).isEqualTo(600);

    Response back = root.call("PATCH", PATH + "/" + name, Map.of("delivery", "amqp"));
    assertThat(back.status()).as(back.raw()).isEqualTo(200);
    assertThat(back.body().get("push").isNull()).as("push settings cleared").isTrue();
  }

  @Test
  void aPausedSubscriptionCollectsDeliveriesAndSendsNoneUntilResumed() throws Exception {
    String name = create("amqp", null);
    try (BrokerProbe queue = queue(name)) {
      Response paused = ops.post(PATH + "/" + name + "/pause", Map.of("reason", "cart migrates"));
      assertThat(paused.status()).as(paused.raw()).isEqualTo(200);
      assertThat(paused.body().get("paused").asBoolean()).isTrue();
      assertThat(paused.text("pausedBy")).isEqualTo("operator:ops");
      assertThat(paused.text("pauseReason")).isEqualTo("cart migrates");
      Instant since = Instant.parse(paused.text("pausedAt"));
      Response again = ops.post(PATH + "/" + name + "/pause");
      assertThat(again.status()).isEqualTo(200);
      assertThat(Instant.parse(again.text("pausedAt"))).as("unchanged").isEqualTo(since);

      UUID id = orders.send(topic, "payload", Map.of("n", 1)).id();
      assertThat(queue.next(Duration.ofSeconds(2))).as("nothing is sent while paused").isNull();
      assertThat(delivery(id, name).get("status")).isEqualTo("SCHEDULED");
      assertThat(delivery(id, name).get("due")).isEqualTo(true);
      assertThat(sweepClaims(id, name)).as("the sweep skips a paused subscription").isFalse();

      Response resumed = ops.post(PATH + "/" + name + "/resume");
      assertThat(resumed.status()).as(resumed.raw()).isEqualTo(200);
      assertThat(resumed.body().get("paused").asBoolean()).isFalse();
      assertThat(resumed.body().get("pausedAt").isNull()).isTrue();
      assertThat(sweepClaims(id, name)).as("due again for the sweep").isTrue();
    }
    assertThat(
            jdbc.queryForList(
                "select detail->>'action' || ' ' || actor from message_event"
                    + " where message_id is null and type = 'ADMIN' and detail->>'target' = ?"
                    + " and detail->>'action' like 'subscription.%' order by id",
                String.class, name))
        .containsExactly(
            "subscription.create operator:root",
            "subscription.pause operator:ops",
            "subscription.pause operator:ops",
            "subscription.resume operator:ops");
  }

  @Test
  void resumingRestartsTheAckClockOfPublishedDeliveries() {
    String name = create("amqp", null);
    UUID id = orders.send(topic, "payload", Map.of("n", 1)).id();
    jdbc.update(
        "update delivery set status = 'PUBLISHED', attempts = 1, ack_deadline = now() - interval '1 hour',"
            + " next_attempt_at = now() - interval '1 hour' where message_id = ? and subscription = ?",
        id,
        name);
    ops.post(PATH + "/" + name + "/pause");
    assertThat(
            leases.overdue(10_000, Duration.ZERO).stream().anyMatch(k -> k.messageId().equals(id)))
        .as("no ack timeout while paused")
        .isFalse();
    ops.post(PATH + "/" + name + "/resume");
    Map<String, Object> row = delivery(id, name);
    assertThat(row.get("status")).isEqualTo("PUBLISHED");
    assertThat(row.get("due")).as("a full ack timeout from the resume").isEqualTo(false);
  }

  @Test
  void onlyOperatorsAndAdminsPauseAndUnknownNamesAre404() {
    String name = create("amqp", null);
    for (String who : new String[] {"cart", "orders", "audit"}) {
      Response r = as(who).post(PATH + "/" + name + "/pause");
      assertThat(r.status()).as(who).isEqualTo(403);
      assertThat(r.contentType()).startsWith("application/problem+json");
    }
    assertThat(new Api(port, null).post(PATH + "/" + name + "/resume").status()).isEqualTo(401);
    Response unknown = ops.post(PATH + "/no.such.sub/pause");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.code()).isEqualTo("not-found");
    Response tooLong = ops.post(PATH + "/" + name + "/pause", Map.of("reason", "x".repeat(501)));
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(root.get(PATH + "/" + name).body().get("paused").asBoolean()).isFalse();
  }
}
