package io.rms.service.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import io.rms.service.dashboard.DashboardUsersFixture;
import io.rms.service.registry.Registry;
import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.BrokerProbe;
import io.rms.service.testing.DashboardClient;
import io.rms.service.testing.DashboardClient.Page;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.TestInfra;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The admin API's subscription calls (role ADMIN): a created subscription receives the next
 * confirmed message of its topic, changes and (de)activation apply at once, and every change is an
 * audited {@code ADMIN} event of {@code operator:<admin app>}. The refusals are in {@link
 * SubscriptionAdminRefusalTest}.
 */
class SubscriptionAdminTest extends IntegrationTest {
  private static final String PATH = "/api/v1/admin/subscriptions";

  @Autowired Registry registry;

  private String topic;
  private Api root;
  private Api orders;

  @BeforeEach
  void ordersProducesAFreshTopic() {
    topic = "adm.topic-" + UUID.randomUUID().toString().substring(0, 8);
    jdbc.update("update app set produces = array_append(produces, ?) where id = 'orders'", topic);
    registry.refresh();
    root = as("root");
    orders = as("orders");
  }

  @AfterEach
  void ordersForgetsTheTopic() {
    jdbc.update("update app set produces = array_remove(produces, ?) where id = 'orders'", topic);
    registry.refresh();
  }

  private String lastAdminEvent(String field, String target) {
    return jdbc.queryForObject(
        "select "
            + field
            + " from message_event where message_id is null and type = 'ADMIN'"
            + " and detail->>'target' = ? order by id desc limit 1",
        String.class,
        target);
  }

  private UUID received(BrokerProbe queue) {
    GetResponse r = queue.next(Duration.ofSeconds(10));
    assertThat(r).as("a delivery arrives").isNotNull();
    return UUID.fromString(r.getProps().getMessageId());
  }

  @Test
  void aCreatedSubscriptionReceivesTheNextConfirmedMessageOfItsTopic() {
    String name = "adm.sub-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(orders.send(topic, "payload", Map.of()).code()).isEqualTo("no-subscription");

    Response created =
        root.post(
            PATH,
            Map.of(
                "name", name, "topic", topic, "app", "audit", "maxAttempts", 4, "ordered", true));
    assertThat(created.status()).as(created.raw()).isEqualTo(201);
    assertThat(created.text("name")).isEqualTo(name);
    assertThat(created.text("queue")).isEqualTo(TestInfra.get().queuePrefix + name);
    assertThat(created.body().get("maxAttempts").asInt()).isEqualTo(4);
    assertThat(created.body().get("ackTimeoutSeconds").asLong()).as("default").isEqualTo(60);
    assertThat(created.body().get("ordered").asBoolean()).isTrue();
    assertThat(created.body().get("active").asBoolean()).isTrue();
    assertThat(created.body().get("configured").asBoolean()).isFalse();
    assertThat(lastAdminEvent("actor", name)).isEqualTo("operator:root");
    assertThat(lastAdminEvent("detail->>'action'", name)).isEqualTo("subscription.create");

    try (BrokerProbe queue = queue(name)) {
      Response sent = orders.send(topic, "payload", Map.of("n", 1), "orderingKey", "k");
      assertThat(sent.status()).as(sent.raw()).isEqualTo(201);
      assertThat(received(queue)).isEqualTo(sent.id());
      assertThat(as("audit").ack(name, sent.id()).status()).isEqualTo(200);
    }

    Response one = root.get(PATH + "/" + name);
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.text("topic")).isEqualTo(topic);
    List<String> listed = new ArrayList<>();
    root.get(PATH).body().forEach(s -> listed.add(s.get("name").asString()));
    assertThat(listed).contains(name, "cart.order-created").isSorted();
  }

  @Test
  void aChangeAppliesAtOnceAndIsAuditedWithWhatChanged() {
    String name = "adm.sub-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(root.post(PATH, Map.of("name", name, "topic", topic, "app", "audit")).status())
        .isEqualTo(201);

    Response changed =
        root.call(
            "PATCH",
            PATH + "/" + name,
            Map.of("maxAttempts", 7, "ackTimeoutSeconds", 30, "backoffMaxSeconds", 120));
    assertThat(changed.status()).as(changed.raw()).isEqualTo(200);
    assertThat(changed.body().get("maxAttempts").asInt()).isEqualTo(7);
    assertThat(changed.body().get("ackTimeoutSeconds").asLong()).isEqualTo(30);
    assertThat(changed.body().get("backoffMaxSeconds").asLong()).isEqualTo(120);
    assertThat(changed.text("topic")).as("what the body leaves out stays").isEqualTo(topic);
    assertThat(registry.subscription(name).orElseThrow().maxAttempts()).isEqualTo(7);
    assertThat(
            jdbc.queryForObject(
                "select ack_timeout_ms from subscription where name = ?", Long.class, name))
        .isEqualTo(30_000L);
    assertThat(lastAdminEvent("detail->>'action'", name)).isEqualTo("subscription.update");
    assertThat(lastAdminEvent("detail->>'result'", name))
        .contains("maxAttempts 10 → 7")
        .contains("ackTimeout PT1M → PT30S");

    Response again =
        root.call(
            "PATCH",
            PATH + "/" + name,
            Map.of("maxAttempts", 7, "ackTimeoutSeconds", 30, "backoffMaxSeconds", 120));
    assertThat(again.status()).as("idempotent").isEqualTo(200);
    assertThat(again.body()).isEqualTo(changed.body());
    assertThat(lastAdminEvent("detail->>'result'", name)).isEqualTo("unchanged");
  }

  @Test
  void deactivateAndActivateAreIdempotentAndDecideWhoGetsNewMessages() {
    String name = "adm.sub-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(root.post(PATH, Map.of("name", name, "topic", topic, "app", "audit")).status())
        .isEqualTo(201);
    try (BrokerProbe queue = queue(name)) {
      Response off = root.post(PATH + "/" + name + "/deactivate");
      assertThat(off.status()).as(off.raw()).isEqualTo(200);
      assertThat(off.body().get("active").asBoolean()).isFalse();
      assertThat(lastAdminEvent("detail->>'action'", name)).isEqualTo("subscription.deactivate");
      assertThat(lastAdminEvent("detail->>'result'", name)).isEqualTo("applied");
      assertThat(orders.send(topic, "payload", Map.of()).code())
          .as("the topic has no active subscription now")
          .isEqualTo("no-subscription");

      Response offAgain = root.post(PATH + "/" + name + "/deactivate");
      assertThat(offAgain.status()).isEqualTo(200);
      assertThat(offAgain.body().get("active").asBoolean()).isFalse();
      assertThat(lastAdminEvent("detail->>'result'", name)).startsWith("unchanged");

      Response on = root.post(PATH + "/" + name + "/activate");
      assertThat(on.status()).isEqualTo(200);
      assertThat(on.body().get("active").asBoolean()).isTrue();
      assertThat(lastAdminEvent("detail->>'action'", name)).isEqualTo("subscription.activate");
      assertThat(root.post(PATH + "/" + name + "/activate").status()).isEqualTo(200);

      Response sent = orders.send(topic, "payload", Map.of());
      assertThat(sent.status()).isEqualTo(201);
      assertThat(received(queue)).isEqualTo(sent.id());
      assertThat(as("audit").ack(name, sent.id()).status()).isEqualTo(200);
    }
    assertThat(root.post(PATH + "/" + name + "/deactivate").status()).isEqualTo(200);
  }

  @Test
  void concurrentCreatesOfOneNameAnswerOneCreatedAndTheOthersAlreadyExists() throws Exception {
    for (int round = 0; round < 3; round++) {
      String name = "adm.race-" + UUID.randomUUID().toString().substring(0, 8);
      List<java.util.concurrent.Callable<Integer>> creates = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        creates.add(
            () -> root.post(PATH, Map.of("name", name, "topic", topic, "app", "audit")).status());
      }
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(4);
      List<Integer> statuses = new ArrayList<>();
      try {
        for (var f : pool.invokeAll(creates)) {
          statuses.add(f.get());
        }
      } finally {
        pool.shutdown();
      }
      assertThat(statuses).as("round %d", round).containsOnly(201, 409);
      assertThat(statuses.stream().filter(s -> s == 201)).hasSize(1);
      assertThat(
              jdbc.queryForObject(
                  "select count(*) from message_event where type = 'ADMIN'"
                      + " and detail->>'target' = ? and detail->>'action' = 'subscription.create'",
                  Long.class,
                  name))
          .isEqualTo(1);
      assertThat(root.post(PATH + "/" + name + "/deactivate").status()).isEqualTo(200);
    }
  }

  @Test
  void theDashboardChangesSubscriptionsThroughTheSameChecksAndAudit() {
    String name = "adm.sub-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(root.post(PATH, Map.of("name", name, "topic", topic, "app", "audit")).status())
        .isEqualTo(201);
    DashboardClient admin =
        DashboardClient.loggedIn(
            port, DashboardUsersFixture.ADMIN, DashboardUsersFixture.ADMIN_PASSWORD);
    Page refused =
        admin.submit(
            "/dashboard/admin/subscriptions/" + name,
            "/dashboard/admin/subscriptions/" + name,
            Map.of("topic", topic, "app", "audit", "maxAttempts", "0", "active", "true"));
    assertThat(refused.status()).isEqualTo(302);
    assertThat(admin.get("/dashboard/admin/subscriptions/" + name).body())
        .as("the page shows the API's refusal")
        .contains("maxAttempts must be between 1 and 10000");
    Response apiRefusal = root.call("PATCH", PATH + "/" + name, Map.of("maxAttempts", 0));
    assertThat(apiRefusal.text("detail")).isEqualTo("maxAttempts must be between 1 and 10000");

    admin.submit(
        "/dashboard/admin/subscriptions/" + name,
        "/dashboard/admin/subscriptions/" + name,
        Map.of("topic", topic, "app", "audit", "maxAttempts", "3", "active", "true"));
    assertThat(root.get(PATH + "/" + name).body().get("maxAttempts").asInt()).isEqualTo(3);
    assertThat(lastAdminEvent("actor", name)).isEqualTo("user:admin");
    assertThat(lastAdminEvent("detail->>'result'", name)).isEqualTo("maxAttempts 10 → 3");
    admin.submit(
        "/dashboard/admin/subscriptions",
        "/dashboard/admin/subscriptions/" + name + "/active",
        Map.of("active", "false"));
    assertThat(root.get(PATH + "/" + name).body().get("active").asBoolean()).isFalse();
  }
}
