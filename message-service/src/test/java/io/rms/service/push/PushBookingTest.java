package io.rms.service.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.push.PushReceiver.Answer;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionInfo;
import io.rms.service.testing.Await;
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
  private static final Duration WAIT = PushTestService.WAIT;
  private static PushTestService service;
  private static JdbcTemplate jdbc;

  private final PushReceiver receiver = new PushReceiver();

  @BeforeAll
  static void start() {
    service =
        PushTestService.start(
            "b",
            "pbook",
            6,
            "pushbook",
            "--spring.datasource.hikari.maximum-pool-size=8",
            "--rms.push.worker.booking-wait=10s");
    jdbc = service.jdbc;
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
    Map<String, Object> push = new LinkedHashMap<>();
    push.put("url", receiver.url("/" + name));
    push.put("timeoutSeconds", 5.0);
    push.put("concurrency", concurrency);
    String topic = service.subscription(name, push);
    service.rotate(name);
    return topic;
  }

  private static UUID send(String topic, Object... more) {
    List<Object> fields = new ArrayList<>(List.of("payload", Map.of("n", 1)));
    fields.addAll(List.of(more));
    return service.send(topic, fields.toArray());
  }

  /** A message whose delivery stays SCHEDULED with no attempt for an hour. */
  private UUID sendDueInAnHour(String topic) {
    return send(topic, "deliverAfter", Instant.now().plus(Duration.ofHours(1)).toString());
  }

  /** Puts copy 1 of the message into the subscription's queue, as the dispatcher publishes it. */
  private static void copyOfAttemptOne(UUID id, String subscription) {
    service.copyInQueue(id, subscription, 1);
  }

  private static Map<String, Object> delivery(UUID id, String subscription) {
    return service.delivery(id, subscription);
  }

  private static void awaitStatus(UUID id, String subscription, String status) {
    service.awaitStatus(id, subscription, status);
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
