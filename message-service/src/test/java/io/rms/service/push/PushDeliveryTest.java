package io.rms.service.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.outbound.HmacSignature;
import io.rms.service.push.PushReceiver.Answer;
import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Push subscriptions end to end: a service of its own (real PostgreSQL and RabbitMQ, the recovery
 * sweep every second, a circuit that opens after 4 pushes and probes after 1 s) pushing to a JDK
 * HttpServer receiver on 127.0.0.1 (allowed by naming it in {@code rms.push.allowed-hosts}).
 */
class PushDeliveryTest {
  private static final Duration WAIT = PushTestService.WAIT;
  private static PushTestService service;
  private static JdbcTemplate jdbc;
  private static Api producer;
  private static Api admin;

  private final PushReceiver receiver = new PushReceiver();

  @BeforeAll
  static void start() {
    service =
        PushTestService.start(
            "p",
            "push",
            10,
            "push",
            "--spring.datasource.hikari.maximum-pool-size=5",
            "--rms.dashboard.admin.username=padmin",
            "--rms.dashboard.admin.password=padmin-password-1",
            "--rms.push.worker.circuit-open-for=1s",
            "--rms.push.worker.circuit-window=4",
            "--rms.push.worker.pause-check=200ms",
            "--rms.push.worker.no-secret-retry=1s");
    jdbc = service.jdbc;
    producer = service.producer;
    admin = service.admin;
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  @AfterEach
  void closeReceiver() {
    receiver.close();
  }

  /** A new push subscription of its own topic to the receiver; answers the topic. */
  private static String subscription(String name, Map<String, Object> settings, Object... more) {
    return service.subscription(name, settings, more);
  }

  private Map<String, Object> pushTo(String path) {
    Map<String, Object> push = new LinkedHashMap<>();
    push.put("url", receiver.url(path));
    push.put("timeoutSeconds", 2.0);
    return push;
  }

  private static String rotate(String subscription) {
    return service.rotate(subscription);
  }

  private static UUID send(String topic, String payload) {
    return service.send(topic, "payload", Api.JSON.readTree(payload));
  }

  private static Map<String, Object> delivery(UUID id, String subscription) {
    return service.delivery(id, subscription);
  }

  private static void awaitStatus(UUID id, String subscription, String status) {
    service.awaitStatus(id, subscription, status);
  }

  @Test
  void aPushCarriesTheSignedMessageAndA2xxAnswerAcksIt() {
    String topic = subscription("precv.signed", pushTo("/hook?x=1"));
    String secret = rotate("precv.signed");
    assertThat(secret).hasSize(64);
    UUID id = send(topic, "{\"orderId\":42}");

    awaitStatus(id, "precv.signed", "ACKED");
    assertThat(receiver.of(id)).hasSize(1);
    PushReceiver.Push push = receiver.of(id).get(0);
    assertThat(push.header("X-RMS-Subscription")).isEqualTo("precv.signed");
    assertThat(push.header("X-RMS-Attempt")).isEqualTo("1");
    assertThat(push.header("Content-Type")).isEqualTo("application/json");
    long timestamp = Long.parseLong(push.header("X-RMS-Timestamp"));
    assertThat(Math.abs(timestamp - Instant.now().getEpochSecond())).isLessThan(30);
    assertThat(push.header("X-RMS-Signature"))
        .isEqualTo(HmacSignature.of(secret, push.header("X-RMS-Timestamp"), push.body()));
    JsonNode body = Api.JSON.readTree(new String(push.body(), StandardCharsets.UTF_8));
    assertThat(body.get("id").asString()).isEqualTo(id.toString());
    assertThat(body.get("topic").asString()).isEqualTo(topic);
    assertThat(body.get("payload").get("orderId").asInt()).isEqualTo(42);
    assertThat(body.has("deliveries")).isFalse();
    assertThat(body.has("events")).isFalse();
    assertThat(delivery(id, "precv.signed").get("attempts")).isEqualTo(1);

    // the dashboard's push panel shows the subscription's circuit and latency on this replica
    String page =
        io.rms.service.testing.DashboardClient.loggedIn(
                service.port(), "padmin", "padmin-password-1")
            .get("/dashboard/admin/subscriptions")
            .body();
    assertThat(page).contains("Push workers").contains("precv.signed").contains("CLOSED");
    assertThat(page).containsPattern("\\d+ ms");
  }

  @Test
  void retryAfterDefersThePushWithoutUsingAnAttempt() {
    String topic = subscription("precv.busy", pushTo("/busy"));
    rotate("precv.busy");
    AtomicInteger calls = new AtomicInteger();
    receiver.answering(
        p ->
            calls.incrementAndGet() == 1
                ? new Answer(429, Map.of("Retry-After", "1"), 0)
                : Answer.status(200));
    UUID id = send(topic, "{}");

    awaitStatus(id, "precv.busy", "ACKED");
    List<PushReceiver.Push> pushes = receiver.of(id);
    assertThat(pushes).hasSize(2);
    assertThat(pushes).extracting(p -> p.header("X-RMS-Attempt")).containsExactly("1", "1");
    assertThat(delivery(id, "precv.busy").get("attempts")).isEqualTo(1);
    assertThat(
            jdbc.queryForObject(
                "select count(*) from message_event where message_id = ? and type = 'PUSH_DEFERRED'",
                Long.class,
                id))
        .isEqualTo(1);
  }

  @Test
  void anErrorAnswerIsAFailedAttemptRetriedAfterTheBackoff() {
    String topic = subscription("precv.flaky", pushTo("/flaky"));
    rotate("precv.flaky");
    AtomicInteger calls = new AtomicInteger();
    receiver.answering(
        p ->
            calls.incrementAndGet() == 1
                ? new Answer(503, Map.of(), 0) // no Retry-After: a failure
                : Answer.status(204));
    UUID id = send(topic, "{}");

    awaitStatus(id, "precv.flaky", "ACKED");
    assertThat(receiver.of(id))
        .extracting(p -> p.header("X-RMS-Attempt"))
        .containsExactly("1", "2");
    Map<String, Object> row = delivery(id, "precv.flaky");
    assertThat(row.get("attempts")).isEqualTo(2);
    assertThat((String) row.get("last_error")).isEqualTo("push: HTTP 503");
  }

  @Test
  void aSlowReceiverGetsAtMostTheConcurrencyInFlight() {
    Map<String, Object> push = pushTo("/slow");
    push.put("concurrency", 2);
    String topic = subscription("precv.slow", push);
    rotate("precv.slow");
    receiver.answering(p -> new Answer(204, Map.of(), 300));
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ids.add(send(topic, "{\"n\":" + i + "}"));
    }
    ids.forEach(id -> awaitStatus(id, "precv.slow", "ACKED"));
    assertThat(receiver.mostInFlight.get()).isEqualTo(2);
  }

  @Test
  void aTargetThatResolvesToABlockedAddressAtPushTimeIsAFailedAttempt() {
    String topic = subscription("precv.blocked", pushTo("/blocked"));
    rotate("precv.blocked");
    // the URL passed at registration; the push checks it again (as if its DNS answer changed)
    jdbc.update(
        "update subscription set push_url = 'http://169.254.169.254/latest' where name = ?",
        "precv.blocked");
    service.context().getBean(io.rms.service.registry.Registry.class).refresh();
    UUID id = send(topic, "{}");

    Await.until(
        WAIT,
        "a failed attempt",
        () ->
            ((Integer) delivery(id, "precv.blocked").get("attempts")) >= 1
                && delivery(id, "precv.blocked").get("last_error") != null);
    assertThat((String) delivery(id, "precv.blocked").get("last_error"))
        .contains("push")
        .contains("169.254.169.254");
    assertThat(receiver.pushes).isEmpty();
  }

  @Test
  void aRotationSignsWithBothSecretsUntilTheOldOneIsRetired() {
    String topic = subscription("precv.rotate", pushTo("/rotate"));
    String first = rotate("precv.rotate");
    String second = rotate("precv.rotate");
    Response third = admin.post("/api/v1/admin/subscriptions/precv.rotate/push-secrets/rotate");
    assertThat(third.status()).isEqualTo(409);
    assertThat(third.code()).isEqualTo("secret-rotation-pending");
    // other replicas pick a rotation up with the registry; this one at once
    UUID during = send(topic, "{}");
    awaitStatus(during, "precv.rotate", "ACKED");
    PushReceiver.Push two = receiver.of(during).get(0);
    String timestamp = two.header("X-RMS-Timestamp");
    assertThat(two.header("X-RMS-Signature"))
        .isEqualTo(
            HmacSignature.of(second, timestamp, two.body())
                + ","
                + HmacSignature.of(first, timestamp, two.body()));

    Response retired = admin.post("/api/v1/admin/subscriptions/precv.rotate/push-secrets/retire");
    assertThat(retired.status()).isEqualTo(200);
    assertThat(retired.body().get("validSecrets").asInt()).isEqualTo(1);
    assertThat(retired.body().has("secret")).isFalse();
    UUID after = send(topic, "{}");
    awaitStatus(after, "precv.rotate", "ACKED");
    PushReceiver.Push one = receiver.of(after).get(0);
    assertThat(one.header("X-RMS-Signature"))
        .isEqualTo(HmacSignature.of(second, one.header("X-RMS-Timestamp"), one.body()));
    assertThat(
            jdbc.queryForList(
                "select detail->>'action' from message_event where type = 'ADMIN'"
                    + " and detail->>'target' = 'precv.rotate' order by id",
                String.class))
        .contains(
            "subscription.push-secret.rotate",
            "subscription.push-secret.rotate",
            "subscription.push-secret.retire");
  }

  @Test
  void aDownReceiverOpensTheCircuitUsesNoAttemptsWhileOpenAndPausesTheSubscription() {
    Map<String, Object> push = pushTo("/down");
    push.put("pauseAfterSeconds", 3);
    String topic = subscription("precv.down", push);
    rotate("precv.down");
    receiver.answering(p -> Answer.status(500));
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(send(topic, "{\"n\":" + i + "}"));
    }
    Await.until(
        WAIT,
        "the subscription paused by the push circuit",
        () ->
            "system"
                .equals(
                    admin
                        .get("/api/v1/admin/subscriptions/precv.down")
                        .body()
                        .path("pausedBy")
                        .asString("")));
    int pushesWhileDown = receiver.pushes.size();
    // the circuit opened after 4 failed pushes; it probed about once a second since
    assertThat(pushesWhileDown).isBetween(4, 10);
    int attempts =
        jdbc.queryForObject(
            "select coalesce(sum(attempts), 0)::int from delivery where subscription = ?",
            Integer.class,
            "precv.down");
    assertThat(attempts).as("attempts used = failed pushes").isLessThanOrEqualTo(pushesWhileDown);
    assertThat(
            jdbc.queryForObject(
                "select count(*) from delivery where subscription = ? and status = 'DEAD'",
                Long.class,
                "precv.down"))
        .isZero();

    receiver.answering(p -> Answer.status(204));
    Response resumed = admin.post("/api/v1/admin/subscriptions/precv.down/resume");
    assertThat(resumed.status()).as(resumed.raw()).isEqualTo(200);
    ids.forEach(id -> awaitStatus(id, "precv.down", "ACKED"));
  }

  @Test
  void aCopyWhoseDeliveryMovedOnIsDroppedUnpushed() {
    Map<String, Object> push = pushTo("/stale");
    push.put("concurrency", 1);
    String topic = subscription("precv.stale", push);
    rotate("precv.stale");
    UUID acked = send(topic, "{}");
    awaitStatus(acked, "precv.stale", "ACKED");
    // a late copy of attempt 1 of the acked delivery (a redelivered broker copy), then a new
    // message
    service.copyInQueue(acked, "precv.stale", 1);
    UUID next = send(topic, "{}");
    awaitStatus(next, "precv.stale", "ACKED");
    // one consumer, one queue: the late copy was taken (and dropped) before the new message
    assertThat(receiver.of(acked)).hasSize(1);
    assertThat(receiver.of(next)).hasSize(1);
  }

  @Test
  void anOrderedPushDeliversEachKeyInOrderThroughFailures() {
    String topic = subscription("precv.ordered", pushTo("/ordered"), "ordered", true);
    rotate("precv.ordered");
    AtomicInteger calls = new AtomicInteger();
    // every third push fails: the key waits for its retry, later messages of the key do not pass
    receiver.answering(
        p -> calls.incrementAndGet() % 3 == 0 ? Answer.status(500) : Answer.status(204));
    Map<UUID, String> ids = new LinkedHashMap<>();
    for (int i = 0; i < 12; i++) {
      String key = "key-" + (i % 2);
      Response sent = producer.send(topic, "payload", Map.of("n", i), "orderingKey", key);
      assertThat(sent.status()).as(sent.raw()).isEqualTo(201);
      ids.put(sent.id(), key);
    }
    ids.keySet().forEach(id -> awaitStatus(id, "precv.ordered", "ACKED"));
    Map<String, List<Integer>> pushedPerKey = new LinkedHashMap<>();
    for (PushReceiver.Push p : receiver.pushes) {
      JsonNode body = Api.JSON.readTree(new String(p.body(), StandardCharsets.UTF_8));
      pushedPerKey
          .computeIfAbsent(p.header("X-RMS-Ordering-Key"), k -> new ArrayList<>())
          .add(body.get("payload").get("n").asInt());
      assertThat(p.header("X-RMS-Sequence")).isNotNull();
    }
    assertThat(pushedPerKey).containsOnlyKeys("key-0", "key-1");
    pushedPerKey.forEach((key, pushed) -> assertThat(pushed).as(key + " in push order").isSorted());
  }
}
