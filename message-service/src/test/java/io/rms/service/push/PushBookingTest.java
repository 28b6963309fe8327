package io.rms.service.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.push.PushReceiver.Answer;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionInfo;
import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.Await;
import io.rms.service.testing.ServiceArgs;
import io.rms.service.testing.StartedService;
import io.rms.service.testing.TestInfra;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * How push outcomes are booked: a copy whose broker confirm is not booked yet is pushed at once, a
 * failure on it waits for the booking, and the 2xx answers of a subscription are acked in shared
 * transactions ({@link PushAcks}). A service of its own (real PostgreSQL and RabbitMQ) with a long
 * {@code booking-wait}, so a copy that waited for a booking that never comes would show.
 *
 * <p>A copy "whose confirm is not booked" is made by sending a message due in an hour (its delivery
 * stays SCHEDULED with no attempt) and putting a copy of attempt 1 into the subscription's queue by
 * hand, as the dispatcher would before its confirm is booked.
 */
class PushBookingTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int TOPICS = 6;
  private static StartedService service;
  private static JdbcTemplate jdbc;
  private static Api producer;
  private static Api admin;
  private static final AtomicInteger TOPIC = new AtomicInteger();

  private final PushReceiver receiver = new PushReceiver();

  @BeforeAll
  static void start() {
    TestInfra infra = TestInfra.get();
    List<String> args = new ArrayList<>();
    args.add("--spring.datasource.hikari.maximum-pool-size=8");
    args.add("--rms.apps[0].id=bshop");
    args.add("--rms.apps[0].api-keys[0]=bshop-key");
    for (int i = 0; i < TOPICS; i++) {
      args.add("--rms.apps[0].produces[" + i + "]=pbook.t" + i);
    }
    args.add("--rms.apps[1].id=brecv");
    args.add("--rms.apps[1].api-keys[0]=brecv-key");
    args.add("--rms.apps[2].id=broot");
    args.add("--rms.apps[2].api-keys[0]=broot-key");
    args.add("--rms.apps[2].roles[0]=ADMIN");
    args.add("--rms.push.allowed-hosts[0]=127.0.0.1");
    args.add("--rms.push.worker.booking-wait=10s");
    args.add("--rms.recovery.interval=1s");
    args.add("--rms.dispatch.publish-grace=1h");
    args.add("--logging.level.root=WARN");
    service =
        StartedService.run(
            ServiceArgs.on(infra)
                .database(infra.newDatabase("pushbook"))
                .with(args.toArray(String[]::new)));
    jdbc = service.context().getBean(JdbcTemplate.class);
    producer = new Api(service.port(), "bshop-key");
    admin = new Api(service.port(), "broot-key");
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

  /** A new push subscription of its own topic to the receiver, with a secret; answers the topic. */
  private String subscription(String name, int concurrency) {
    String topic = "pbook.t" + TOPIC.getAndIncrement();
    Map<String, Object> push = new LinkedHashMap<>();
    push.put("url", receiver.url("/" + name));
    push.put("timeoutSeconds", 5.0);
    push.put("concurrency", concurrency);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("topic", topic);
    body.put("app", "brecv");
    body.put("delivery", "push");
    body.put("maxAttempts", 10);
    body.put("backoffInitialSeconds", 1);
    body.put("backoffMaxSeconds", 1);
    body.put("push", push);
    Response created = admin.post("/api/v1/admin/subscriptions", body);
    assertThat(created.status()).as(created.raw()).isEqualTo(201);
    TestInfra.get().deleteAtExit(TestInfra.get().queuePrefix + name);
    Response rotated = admin.post("/api/v1/admin/subscriptions/" + name + "/push-secrets/rotate");
    assertThat(rotated.status()).as(rotated.raw()).isEqualTo(200);
    return topic;
  }

  private UUID send(String topic, Object... more) {
    List<Object> fields = new ArrayList<>(List.of("payload", Map.of("n", 1)));
    fields.addAll(List.of(more));
    Response sent = producer.send(topic, fields.toArray());
    assertThat(sent.status()).as(sent.raw()).isEqualTo(201);
    return sent.id();
  }

  /** A message whose delivery stays SCHEDULED with no attempt for an hour. */
  private UUID sendDueInAnHour(String topic) {
    return send(topic, "deliverAfter", Instant.now().plus(Duration.ofHours(1)).toString());
  }

  /** Puts copy 1 of the message into the subscription's queue, as the dispatcher publishes it. */
  private static void copyOfAttemptOne(UUID id, String subscription) {
    MessageProperties properties = new MessageProperties();
    properties.setMessageId(id.toString());
    properties.setHeader("x-rms-attempt", 1);
    properties.setHeader("x-rms-subscription", subscription);
    service
        .context()
        .getBean(RabbitTemplate.class)
        .send("", TestInfra.get().queuePrefix + subscription, new Message(new byte[0], properties));
  }

  private Map<String, Object> delivery(UUID id, String subscription) {
    return jdbc.queryForMap(
        "select status, attempts, last_error from delivery where message_id = ? and subscription = ?",
        id,
        subscription);
  }

  private void awaitStatus(UUID id, String subscription, String status) {
    Await.until(
        WAIT,
        id + " " + status + " on " + subscription,
        () -> status.equals(delivery(id, subscription).get("status")));
  }

  private static PushAcks acks() {
    return service.context().getBean(PushAcks.class);
  }

  private static SubscriptionInfo info(String name) {
    return service.context().getBean(Registry.class).subscription(name).orElseThrow();
  }

  @Test
  void aCopyWhoseConfirmIsNotBookedIsPushedAtOnceAndItsAnswerAcksIt() {
    String topic = subscription("brecv.early", 1);
    UUID id = sendDueInAnHour(topic);
    assertThat(delivery(id, "brecv.early")).containsEntry("status", "SCHEDULED");

    long start = System.nanoTime();
    copyOfAttemptOne(id, "brecv.early");
    // the booking never comes: a worker that waited for it would push nothing for 10 s
    Await.until(Duration.ofSeconds(5), "pushed", () -> !receiver.of(id).isEmpty());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    awaitStatus(id, "brecv.early", "ACKED");
    assertThat(receiver.of(id)).hasSize(1);
    assertThat(receiver.of(id).get(0).header("X-RMS-Attempt")).isEqualTo("1");
    assertThat(delivery(id, "brecv.early").get("attempts")).isEqualTo(1);
  }

  @Test
  void aFailureOnACopyWhoseConfirmIsNotBookedWaitsForTheBookingAndUsesOneAttempt()
      throws InterruptedException {
    String topic = subscription("brecv.early-fail", 1);
    AtomicInteger calls = new AtomicInteger();
    receiver.answering(p -> calls.incrementAndGet() == 1 ? Answer.status(500) : Answer.status(204));
    UUID id = sendDueInAnHour(topic);
    copyOfAttemptOne(id, "brecv.early-fail");
    Await.until(WAIT, "pushed", () -> !receiver.of(id).isEmpty());

    // the failure is a compare-and-set on (PUBLISHED, 1): nothing is booked before the confirm is
    Thread.sleep(500);
    Map<String, Object> waiting = delivery(id, "brecv.early-fail");
    assertThat(waiting).containsEntry("status", "SCHEDULED").containsEntry("attempts", 0);
    assertThat(waiting.get("last_error")).isNull();
    // the confirm is booked, as the dispatcher's markPublished does it
    int booked =
        jdbc.update(
            """
            update delivery
               set status = 'PUBLISHED', attempts = 1, published_at = now(),
                   ack_deadline = now() + interval '1 hour', next_attempt_at = now() + interval '1 hour'
             where message_id = ? and subscription = ? and status = 'SCHEDULED' and attempts = 0
            """,
            id,
            "brecv.early-fail");
    assertThat(booked).isEqualTo(1);

    Await.until(
        WAIT,
        "the failure booked",
        () -> "push: HTTP 500".equals(delivery(id, "brecv.early-fail").get("last_error")));
    // the retry after the backoff is attempt 2, and the only other attempt
    awaitStatus(id, "brecv.early-fail", "ACKED");
    assertThat(receiver.of(id))
        .extracting(p -> p.header("X-RMS-Attempt"))
        .containsExactly("1", "2");
    assertThat(delivery(id, "brecv.early-fail").get("attempts")).isEqualTo(2);
  }

  @Test
  void concurrent2xxAnswersOfASubscriptionAreBookedInSharedTransactions() {
    int pushes = 8;
    String topic = subscription("brecv.many", pushes);
    // every push is answered once all of them arrived, so their bookings come together
    CountDownLatch all = new CountDownLatch(pushes);
    receiver.answering(
        p -> {
          all.countDown();
          try {
            all.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Answer.status(204);
        });
    double before = acks().bookings("brecv.many");
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < pushes; i++) {
      ids.add(send(topic));
    }
    ids.forEach(id -> awaitStatus(id, "brecv.many", "ACKED"));
    ids.forEach(id -> assertThat(receiver.of(id)).hasSize(1));
    double bookings = acks().bookings("brecv.many") - before;
    assertThat(bookings).as("ack transactions for %d pushes", pushes).isBetween(1.0, pushes - 1.0);
  }

  @Test
  void aSharedBookingWithAFinishedDeliveryStillAcksTheOthers() throws Exception {
    String topic = subscription("brecv.batch", 1);
    SubscriptionInfo sub = info("brecv.batch");
    UUID first = sendDueInAnHour(topic);
    UUID finished = sendDueInAnHour(topic);
    UUID other = sendDueInAnHour(topic);
    assertThat(acks().delivered(sub, finished)).isTrue();
    double before = acks().bookings("brecv.batch");

    ExecutorService workers = Executors.newFixedThreadPool(3);
    try (Connection holder = service.context().getBean(DataSource.class).getConnection()) {
      // the first booking waits on the row lock of its delivery; the other two queue behind it
      holder.setAutoCommit(false);
      try (PreparedStatement lock =
          holder.prepareStatement(
              "select 1 from delivery where message_id = ? and subscription = ? for update")) {
        lock.setObject(1, first);
        lock.setString(2, "brecv.batch");
        lock.executeQuery().close();
      }
      Future<Boolean> one = workers.submit(() -> acks().delivered(sub, first));
      Await.until(WAIT, "the first booking under way", () -> lockWaiters() == 1);
      Future<Boolean> two = workers.submit(() -> acks().delivered(sub, finished));
      Future<Boolean> three = workers.submit(() -> acks().delivered(sub, other));
      Await.until(WAIT, "two queued", () -> acks().queued("brecv.batch") == 2);
      holder.rollback();

      assertThat(one.get(10, TimeUnit.SECONDS)).isTrue();
      assertThat(two.get(10, TimeUnit.SECONDS)).as("finished already").isFalse();
      assertThat(three.get(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      workers.shutdownNow();
    }
    assertThat(acks().bookings("brecv.batch") - before)
        .as("one booking, then one for two")
        .isEqualTo(2.0);
    for (UUID id : List.of(first, finished, other)) {
      assertThat(delivery(id, "brecv.batch")).containsEntry("status", "ACKED");
    }
  }

  /** Sessions waiting for a lock (the first booking's row lock). */
  private static int lockWaiters() {
    Integer waiting =
        jdbc.queryForObject(
            "select count(*)::int from pg_stat_activity"
                + " where datname = current_database() and wait_event_type = 'Lock'",
            Integer.class);
    return waiting == null ? 0 : waiting;
  }
}
