package io.rms.service.pull;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.rms.recovery.RedeliverySweep;
import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.Await;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.PrometheusScrape;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Pull subscriptions against the real service: leases, ack and nack ending them, expiry as a failed
 * attempt, parallel callers that never share a delivery, long polls woken by a confirm and holding
 * no database connection, ordered keys, and the refusals (the subscriptions of {@code
 * application-itest.yaml}: {@code cart.pulled} and the ordered {@code cart.pulled-ordered}).
 */
class PullTest extends IntegrationTest {
  private static final String TOPIC = "order.pulled";
  private static final String SUB = "cart.pulled";
  private static final String ORDERED_TOPIC = "order.pulled-ordered";
  private static final String ORDERED = "cart.pulled-ordered";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Autowired PullWaiters waiters;
  @Autowired RedeliverySweep sweep;
  @Autowired HikariDataSource dataSource;
  @Autowired io.rms.service.message.PullLeases leases;

  private Api orders;
  private Api cart;
  private final ExecutorService callers = Executors.newCachedThreadPool();

  @BeforeEach
  void clients() {
    // a poll an earlier test left waiting (it failed before its polls were answered) would take
    // this test's deliveries
    Await.until(Duration.ofSeconds(30), "no poll waits", () -> waiters.waiting() == 0);
    orders = as("orders");
    cart = as("cart");
    // every test starts with nothing due on the pull subscriptions
    jdbc.update(
        """
        update delivery set status = 'DISCARDED', next_attempt_at = null, ack_deadline = null
         where subscription in (?, ?) and status in ('WAITING', 'SCHEDULED', 'PUBLISHED', 'DEAD')
        """,
        SUB,
        ORDERED);
  }

  @AfterEach
  void stopCallers() throws InterruptedException {
    callers.shutdownNow();
    callers.awaitTermination(15, TimeUnit.SECONDS);
  }

  private UUID send(String topic, Object... fields) {
    Object[] all = new Object[fields.length + 2];
    all[0] = "payload";
    all[1] = Map.of("n", UUID.randomUUID().toString());
    System.arraycopy(fields, 0, all, 2, fields.length);
    Response r = orders.send(topic, all);
    assertThat(r.status()).as(r.raw()).isEqualTo(201);
    return r.id();
  }

  private Response pull(String subscription, Integer max, Integer wait, Integer lease) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("max", max);
    body.put("waitSeconds", wait);
    body.put("leaseSeconds", lease);
    body.values().removeIf(java.util.Objects::isNull);
    return cart.post("/api/v1/subscriptions/" + subscription + "/pull", body);
  }

  private static List<UUID> ids(Response r) {
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    List<UUID> ids = new ArrayList<>();
    for (JsonNode d : r.body().get("deliveries")) {
      ids.add(UUID.fromString(d.get("messageId").asString()));
    }
    return ids;
  }

  private Map<String, Object> row(UUID id, String subscription) {
    return jdbc.queryForMap(
        """
        select status, attempts, next_attempt_at, ack_deadline, published_at, last_error
          from delivery where message_id = ? and subscription = ?
        """,
        id,
        subscription);
  }

  @Test
  void aPullLeasesDueDeliveriesWithTheirMessagesAndAnAckEndsTheLease() {
    UUID first = send(TOPIC, "businessKey", "b-1");
    UUID second = send(TOPIC);
    Instant before = Instant.now();
    Response r = pull(SUB, 10, 0, 30);
    assertThat(ids(r)).containsExactlyInAnyOrder(first, second);
    JsonNode d = r.body().get("deliveries").get(0);
    assertThat(d.get("subscription").asString()).isEqualTo(SUB);
    assertThat(d.get("attempt").asInt()).isEqualTo(1);
    Instant expires = Instant.parse(d.get("leaseExpiresAt").asString());
    assertThat(expires).isBetween(before.plusSeconds(25), Instant.now().plusSeconds(35));
    JsonNode message = d.get("message");
    assertThat(message.get("topic").asString()).isEqualTo(TOPIC);
    assertThat(message.get("payload").get("n")).isNotNull();
    assertThat(message.has("deliveries")).as("no deliveries in a pulled message").isFalse();
    assertThat(message.has("events")).isFalse();
    Map<String, Object> leased = row(first, SUB);
    assertThat(leased.get("status")).isEqualTo("PUBLISHED");
    assertThat(leased.get("attempts")).isEqualTo(1);
    assertThat(leased.get("published_at")).isNotNull();
    assertThat(leased.get("ack_deadline")).isEqualTo(leased.get("next_attempt_at"));

    assertThat(ids(pull(SUB, 10, 0, 30))).as("leased deliveries are not leased again").isEmpty();
    Response acked = cart.ack(SUB, first);
    assertThat(acked.body().get("items").get(0).get("outcome").asString()).isEqualTo("ACKED");
    assertThat(row(first, SUB).get("status")).isEqualTo("ACKED");
    Response nacked = cart.nack(SUB, second, "try later", true);
    assertThat(nacked.text("status")).isEqualTo("SCHEDULED");
    assertThat(row(second, SUB).get("attempts")).isEqualTo(1);
    assertThat(ids(pull(SUB, 10, 0, 30))).as("a nacked one waits for its backoff").isEmpty();
  }

  @Test
  void maxBoundsALeaseAndTheRestStaysDue() {
    for (int i = 0; i < 5; i++) {
      send(TOPIC);
    }
    assertThat(ids(pull(SUB, 3, 0, 30))).hasSize(3);
    assertThat(ids(pull(SUB, 3, 0, 30))).hasSize(2);
    assertThat(ids(pull(SUB, null, null, null))).as("defaults: max 1, no wait").isEmpty();
  }

  @Test
  void parallelPullsNeverLeaseOneDeliveryTwice() throws Exception {
    int total = 300;
    Set<UUID> sent = new HashSet<>();
    for (int i = 0; i < total; i++) {
      sent.add(send(TOPIC));
    }
    Map<UUID, Integer> held = new ConcurrentHashMap<>();
    List<CompletableFuture<Void>> pullers = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      pullers.add(
          CompletableFuture.runAsync(
              () -> {
                for (List<UUID> got = ids(pull(SUB, 7, 0, 60));
                    !got.isEmpty();
                    got = ids(pull(SUB, 7, 0, 60))) {
                  got.forEach(id -> held.merge(id, 1, Integer::sum));
                }
              },
              callers));
    }
    CompletableFuture.allOf(pullers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    assertThat(held.keySet()).isEqualTo(sent);
    assertThat(held.values()).as("each delivery leased once").containsOnly(1);
  }

  @Test
  void aLongPollIsWokenByAConfirmAndHoldsNoConnectionOrRequestThreadWhileItWaits()
      throws Exception {
    int polls = 6; // more than the test pool's 5 connections
    List<CompletableFuture<Response>> waiting = new ArrayList<>();
    for (int i = 0; i < polls; i++) {
      waiting.add(CompletableFuture.supplyAsync(() -> pull(SUB, 1, 20, 30), callers));
    }
    Await.until(WAIT, "the polls wait", () -> waiters.waiting() == polls);
    assertThat(fewestActiveConnections())
        .as("no connection held by a waiting poll (the pool has 5)")
        .isZero();
    assertThat(requestThreadsInTheService())
        .as("no request thread runs the service's code for a waiting poll")
        .isEmpty();
    Response full = pull(SUB, 1, 20, 30);
    assertThat(full.status()).as("rms.pull.max-waiters is 6 in the tests").isEqualTo(429);
    assertThat(full.code()).isEqualTo("overloaded");

    long start = System.nanoTime();
    List<UUID> sent = new ArrayList<>();
    for (int i = 0; i < polls; i++) {
      sent.add(send(TOPIC));
    }
    Set<UUID> got = new HashSet<>();
    for (CompletableFuture<Response> poll : waiting) {
      got.addAll(ids(poll.get(WAIT.toSeconds(), TimeUnit.SECONDS)));
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(got).containsExactlyInAnyOrderElementsOf(sent);
    assertThat(took)
        .as("woken by the confirms, not by the retry (every hour in the tests)")
        .isLessThan(Duration.ofSeconds(5));
    Await.until(WAIT, "no poll waits", () -> waiters.waiting() == 0);
  }

  /**
   * The fewest connections in use seen over half a second: the scheduler's cluster check-in and the
   * gauges take one now and then, a waiting poll would hold one all the time.
   */
  private int fewestActiveConnections() {
    int fewest = Integer.MAX_VALUE;
    for (int i = 0; i < 25; i++) {
      fewest = Math.min(fewest, dataSource.getHikariPoolMXBean().getActiveConnections());
      sleepMillis(20);
    }
    return fewest;
  }

  private static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The server's request threads that have a frame of the service's code on their stack. */
  private static List<String> requestThreadsInTheService() {
    List<String> busy = new ArrayList<>();
    Thread.getAllStackTraces()
        .forEach(
            (thread, stack) -> {
              if (thread.getName().startsWith("http-nio")
                  && java.util.Arrays.stream(stack)
                      .anyMatch(f -> f.getClassName().startsWith("io.rms.service."))) {
                busy.add(thread.getName());
              }
            });
    return busy;
  }

  @Test
  void aPausedSubscriptionLeasesNothingUntilItIsResumed() {
    Api ops = as("ops");
    String admin = "/api/v1/admin/subscriptions/" + SUB;
    Response paused = ops.post(admin + "/pause", Map.of("reason", "PullTest"));
    assertThat(paused.status()).as(paused.raw()).isEqualTo(200);
    UUID id;
    try {
      id = send(TOPIC);
      assertThat(ids(pull(SUB, 10, 0, 30))).isEmpty();
      assertThat(ids(pull(SUB, 10, 1, 30))).as("nor does a long poll").isEmpty();
      assertThat(row(id, SUB).get("status")).isEqualTo("SCHEDULED");
    } finally {
      Response resumed = ops.post(admin + "/resume", Map.of());
      assertThat(resumed.status()).as(resumed.raw()).isEqualTo(200);
    }
    assertThat(ids(pull(SUB, 10, 0, 30))).containsExactly(id);
  }

  @Test
  void aLongPollEndsEmptyAfterItsWait() {
    long start = System.nanoTime();
    assertThat(ids(pull(SUB, 5, 1, 30))).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
  }

  @Test
  void theRetryServesAPollWithDeliveriesMadeReadyElsewhere() throws Exception {
    UUID id = send(TOPIC);
    // as if another replica had created it: due only after the publish grace
    jdbc.update(
        "update delivery set next_attempt_at = now() + interval '1 hour' where message_id = ?", id);
    CompletableFuture<Response> poll =
        CompletableFuture.supplyAsync(() -> pull(SUB, 1, 20, 30), callers);
    Await.until(WAIT, "the poll waits", () -> waiters.waiting() == 1);
    jdbc.update("update delivery set next_attempt_at = now() where message_id = ?", id);
    waiters.retryAll();
    assertThat(ids(poll.get(WAIT.toSeconds(), TimeUnit.SECONDS))).containsExactly(id);
  }

  @Test
  void anExpiredLeaseIsAFailedAttemptAndALateAckStillCounts() {
    parkUnfinishedDeliveries();
    UUID id = send(TOPIC);
    assertThat(ids(pull(SUB, 1, 0, 5))).containsExactly(id);
    double expiredBefore = expiredLeases();
    expire(id);
    sweep.run();
    Map<String, Object> after = row(id, SUB);
    assertThat(after.get("status")).isEqualTo("SCHEDULED");
    assertThat(after.get("attempts")).isEqualTo(1);
    assertThat((String) after.get("last_error")).contains("no ack");
    assertThat(expiredLeases()).isEqualTo(expiredBefore + 1);
    assertThat(
            jdbc.queryForObject(
                "select count(*) from message_event where message_id = ? and type = 'ACK_TIMEOUT'",
                Long.class,
                id))
        .isEqualTo(1);

    jdbc.update("update delivery set next_attempt_at = now() where message_id = ?", id);
    Response again = pull(SUB, 1, 0, 5);
    assertThat(ids(again)).containsExactly(id);
    assertThat(again.body().get("deliveries").get(0).get("attempt").asInt()).isEqualTo(2);
    expire(id);
    sweep.run();
    // the consumer of the expired lease finished after all: its ack is taken (design §5)
    Response late = cart.ack(SUB, id);
    assertThat(late.body().get("items").get(0).get("outcome").asString()).isEqualTo("ACKED");
    assertThat(row(id, SUB).get("status")).isEqualTo("ACKED");
  }

  private void expire(UUID id) {
    jdbc.update(
        """
        update delivery set next_attempt_at = now() - interval '1 second',
               ack_deadline = now() - interval '1 second'
         where message_id = ? and subscription = ? and status = 'PUBLISHED'
        """,
        id,
        SUB);
  }

  private double expiredLeases() {
    Response r = new Api(managementPort, null).get("/actuator/prometheus");
    return PrometheusScrape.parse(r.raw())
        .valueOrZero("rms_pull_lease_expired_total", Map.of("subscription", SUB));
  }

  @Test
  void anOrderedSubscriptionLeasesOneDeliveryPerKeyAndTheAckReleasesTheNext() {
    String a = UUID.randomUUID().toString();
    String b = UUID.randomUUID().toString();
    UUID a1 = send(ORDERED_TOPIC, "orderingKey", a);
    UUID a2 = send(ORDERED_TOPIC, "orderingKey", a);
    UUID b1 = send(ORDERED_TOPIC, "orderingKey", b);
    UUID b2 = send(ORDERED_TOPIC, "orderingKey", b);
    assertThat(ids(pull(ORDERED, 10, 0, 30))).containsExactlyInAnyOrder(a1, b1);
    assertThat(ids(pull(ORDERED, 10, 0, 30))).isEmpty();
    cart.ack(ORDERED, a1);
    assertThat(ids(pull(ORDERED, 10, 0, 30))).as("the ack released a2").containsExactly(a2);
    cart.ack(ORDERED, b1, a2);
    assertThat(ids(pull(ORDERED, 10, 0, 30))).containsExactly(b2);
  }

  @Test
  void aLeaseNoCallerReceivedIsGivenBackOnceWithItsAttempt() {
    UUID id = send(TOPIC);
    List<io.rms.service.message.PullLeases.Leased> taken =
        leases.lease(SUB, 1, Duration.ofSeconds(30));
    assertThat(taken).extracting(io.rms.service.message.PullLeases.Leased::messageId).contains(id);
    assertThat(leases.giveBack(SUB, taken)).isEqualTo(1);
    Map<String, Object> back = row(id, SUB);
    assertThat(back.get("status")).isEqualTo("SCHEDULED");
    assertThat(back.get("attempts")).isEqualTo(0);
    assertThat(leases.giveBack(SUB, taken)).as("the guard: given back once").isZero();
    Response again = pull(SUB, 1, 0, 30);
    assertThat(ids(again)).containsExactly(id);
    assertThat(again.body().get("deliveries").get(0).get("attempt").asInt()).isEqualTo(1);
  }

  @Test
  void badInputIsRefusedAndLeasesNothing() {
    UUID id = send(TOPIC);
    Map<String, Object> before = row(id, SUB);
    Object[][] bad = {{0, 0, 30}, {1001, 0, 30}, {1, -1, 30}, {1, 31, 30}, {1, 0, 4}, {1, 0, 601}};
    for (Object[] b : bad) {
      Response r = pull(SUB, (Integer) b[0], (Integer) b[1], (Integer) b[2]);
      assertThat(r.status()).as(java.util.Arrays.toString(b)).isEqualTo(400);
      assertThat(r.contentType()).startsWith("application/problem+json");
      assertThat(r.code()).isEqualTo("validation-failed");
    }
    Response wrongMode = pull("cart.order-created", 1, 0, 30);
    assertThat(wrongMode.status()).isEqualTo(409);
    assertThat(wrongMode.code()).isEqualTo("wrong-delivery-mode");
    Response otherApp =
        as("audit").post("/api/v1/subscriptions/" + SUB + "/pull", Map.of("max", 1));
    assertThat(otherApp.status()).isEqualTo(403);
    assertThat(otherApp.code()).isEqualTo("forbidden");
    assertThat(pull("cart.no-such", 1, 0, 30).status()).isEqualTo(404);
    Response noKey = new Api(port, null).post("/api/v1/subscriptions/" + SUB + "/pull", "{}");
    assertThat(noKey.status()).isEqualTo(401);
    assertThat(row(id, SUB)).as("nothing leased").isEqualTo(before);
  }
}
