package io.rms.service.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import com.zaxxer.hikari.HikariDataSource;
import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.Await;
import io.rms.service.testing.BrokerProbe;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.TestInfra;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Ordering-key locks never deadlock (docs/design.md §5.1, lock discipline), through the REST API on
 * real PostgreSQL and RabbitMQ; the database's own counter ({@code pg_stat_database.deadlocks} of
 * the test database) must not move. Two overlaps that deadlocked when keys were locked as each step
 * went (an ack batch against a batch cancel of the same keys in the other order; two such batch
 * cancels), and plain load on 40 keys: single prepares and confirms that the group commit puts into
 * shared transactions, batch confirms and cancels of many keys in random order, and a consumer
 * acking in batches that cross keys, with every call below 500 and each key in order.
 */
class OrderingKeyLocksTest extends IntegrationTest {
  private static final String TOPIC = "order.poison";
  private static final String SUB = "cart.poison";
  private static final int KEYS = 40;
  private static final int SINGLE_PRODUCERS = 4;
  private static final int SINGLES_EACH = 50;
  private static final int BATCH_PRODUCERS = 2;
  private static final int BATCHES_EACH = 12;
  private static final int BATCH = 8;

  @Autowired HikariDataSource dataSource;

  /** An answer of 500 or more: the call, its status and body. */
  private record Failure(String call, int status, String body) {}

  @Test
  void concurrentConfirmsCancelsAndAckBatchesAcrossFortyKeysNeverDeadlock() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Queue<Failure> failures = new ConcurrentLinkedQueue<>();
    Set<UUID> confirmed = ConcurrentHashMap.newKeySet();
    Set<UUID> all = ConcurrentHashMap.newKeySet();
    AtomicBoolean consuming = new AtomicBoolean(true);
    long deadlocksBefore = deadlocks();
    ExecutorService pool = Executors.newFixedThreadPool(SINGLE_PRODUCERS + BATCH_PRODUCERS + 1);
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      Future<?> consumer = pool.submit(() -> consume(queue, all, failures, consuming));
      List<Future<?>> producers = new ArrayList<>();
      for (int p = 0; p < SINGLE_PRODUCERS; p++) {
        Random random = new Random(p);
        producers.add(pool.submit(() -> produceSingly(run, random, all, confirmed, failures)));
      }
      for (int p = 0; p < BATCH_PRODUCERS; p++) {
        Random random = new Random(100 + p);
        producers.add(pool.submit(() -> produceInBatches(run, random, all, confirmed, failures)));
      }
      for (Future<?> f : producers) {
        f.get(5, TimeUnit.MINUTES);
      }
      Await.until(
          Duration.ofMinutes(3),
          "every confirmed message of the run acked on " + SUB,
          () -> failures.size() > 0 || acked(confirmed) == confirmed.size());
      consuming.set(false);
      consumer.get(30, TimeUnit.SECONDS);
    } finally {
      consuming.set(false);
      pool.shutdownNow();
    }

    assertThat(failures).as("answers of 500 or more").isEmpty();
    assertThat(acked(confirmed)).isEqualTo(confirmed.size());
    assertThat(deadlocksAfterFlush() - deadlocksBefore)
        .as("deadlocks PostgreSQL detected in the test database")
        .isZero();
    assertThat(
            jdbc.queryForObject(
                """
                select count(*) from (
                  select d.published_at,
                         lag(d.acked_at) over (partition by m.ordering_key order by m.order_seq)
                           as previous_acked
                    from delivery d join message m on m.id = d.message_id
                   where d.subscription = ? and m.id = any(?::uuid[])) s
                 where published_at < previous_acked
                """,
                Long.class,
                SUB,
                confirmed.toArray(UUID[]::new)))
        .as("messages published before their key's previous message was acked")
        .isZero();
  }

  /**
   * Two batch cancels of messages of the same two keys, in opposite orders, made to overlap: a
   * third transaction holds the rows of each batch's second message, so both batches have started
   * before either can finish. Claiming both keys up front, the second batch waits for the first;
   * locking each key as it goes, they would hold one key each and wait for the other's.
   */
  @Test
  void batchCancelsOfTwoKeysInOppositeOrdersWaitForEachOtherInsteadOfDeadlocking()
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Api orders = as("orders");
    UUID a1 = prepared(orders, run + "-a");
    UUID b1 = prepared(orders, run + "-b");
    UUID b2 = prepared(orders, run + "-b");
    UUID a2 = prepared(orders, run + "-a");
    long deadlocksBefore = deadlocks();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (Connection blocker =
        DriverManager.getConnection(TestInfra.get().jdbcUrl, "postgres", "")) {
      blocker.setAutoCommit(false);
      try (PreparedStatement lock =
          blocker.prepareStatement("select id from message where id = any(?) for update")) {
        lock.setArray(1, blocker.createArrayOf("uuid", new Object[] {b1, a2}));
        lock.executeQuery().close();
      }
      Future<Response> first =
          pool.submit(
              () ->
                  orders.post(
                      "/api/v1/messages/batch/cancel", Map.of("messageIds", List.of(a1, b1))));
      Future<Response> second =
          pool.submit(
              () ->
                  orders.post(
                      "/api/v1/messages/batch/cancel", Map.of("messageIds", List.of(b2, a2))));
      awaitLockWaits(2);
      blocker.commit();
      for (Future<Response> batch : List.of(first, second)) {
        Response r = batch.get(60, TimeUnit.SECONDS);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        r.body().get("items").forEach(i -> assertThat(i.get("httpStatus").asInt()).isEqualTo(200));
      }
    } finally {
      pool.shutdownNow();
    }
    for (UUID id : List.of(a1, a2, b1, b2)) {
      assertThat(orders.get("/api/v1/messages/" + id).text("status")).isEqualTo("CANCELLED");
    }
    assertThat(deadlocksAfterFlush() - deadlocksBefore)
        .as("deadlocks PostgreSQL detected in the test database")
        .isZero();
  }

  /**
   * The report's case: an ack batch of two keys overlapping a batch cancel of the same keys in the
   * opposite order (the cancel waits, for a row a third transaction holds, between its two keys).
   * Before the claim the ack took its keys after its row locks and the cancel one key per message:
   * each held one key and waited for the other's, and PostgreSQL killed one of them.
   */
  @Test
  void anAckBatchOverlappingABatchCancelOfTheSameKeysInTheOtherOrderDoesNotDeadlock()
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String[] keys = {run + "-x", run + "-y"};
    // low: the key whose lock an ack takes first (hash order)
    java.util.Arrays.sort(keys, java.util.Comparator.comparingLong(this::hash));
    String low = keys[0];
    String high = keys[1];
    Api orders = as("orders");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (BrokerProbe queue = queue(SUB);
        Connection blocker = DriverManager.getConnection(TestInfra.get().jdbcUrl, "postgres", "")) {
      queue.purge();
      UUID lowHead = send(orders, low);
      UUID highHead = send(orders, high);
      Set<UUID> arrived = ConcurrentHashMap.newKeySet();
      for (int i = 0; i < 2; i++) {
        GetResponse r = queue.next(Duration.ofSeconds(10));
        assertThat(r).as("both heads are delivered").isNotNull();
        arrived.add(UUID.fromString(r.getProps().getMessageId()));
      }
      assertThat(arrived).containsExactlyInAnyOrder(lowHead, highHead);
      UUID highNext = prepared(orders, high);
      UUID lowNext = prepared(orders, low);
      long deadlocksBefore = deadlocks();
      blocker.setAutoCommit(false);
      try (PreparedStatement lock =
          blocker.prepareStatement("select id from message where id = ? for update")) {
        lock.setObject(1, lowNext);
        lock.executeQuery().close();
      }
      Future<Response> cancel =
          pool.submit(
              () ->
                  orders.post(
                      "/api/v1/messages/batch/cancel",
                      Map.of("messageIds", List.of(highNext, lowNext))));
      awaitLockWaits(1);
      Future<Response> ack = pool.submit(() -> as("cart").ack(SUB, lowHead, highHead));
      awaitLockWaits(2);
      blocker.commit();
      Response cancelled = cancel.get(60, TimeUnit.SECONDS);
      assertThat(cancelled.status()).as(cancelled.raw()).isEqualTo(200);
      Response acked = ack.get(60, TimeUnit.SECONDS);
      assertThat(acked.status()).as(acked.raw()).isEqualTo(200);
      acked
          .body()
          .get("items")
          .forEach(i -> assertThat(i.get("outcome").asString()).isEqualTo("ACKED"));
      assertThat(deadlocksAfterFlush() - deadlocksBefore)
          .as("deadlocks PostgreSQL detected in the test database")
          .isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  private long hash(String key) {
    return jdbc.queryForObject(
        "select hashtextextended(? || E'\\n' || ?, 0)", Long.class, TOPIC, key);
  }

  private UUID send(Api orders, String key) {
    Response r = orders.send(TOPIC, "orderingKey", key, "payload", Map.of("key", key));
    assertThat(r.status()).isEqualTo(201);
    return r.id();
  }

  /** Waits until at least {@code n} sessions of the test database wait for a lock. */
  private void awaitLockWaits(int n) {
    Await.until(
        Duration.ofSeconds(60),
        n + " sessions waiting for a lock",
        () ->
            jdbc.queryForObject(
                    """
                    select count(*) from pg_stat_activity
                     where datname = current_database() and wait_event_type = 'Lock'
                    """,
                    Long.class)
                >= n);
  }

  private UUID prepared(Api orders, String key) {
    Response r = orders.prepare(TOPIC, "orderingKey", key, "payload", Map.of("key", key));
    assertThat(r.status()).isEqualTo(201);
    return r.id();
  }

  /** Single prepares, each followed by the confirm of a random prepared message of any key. */
  private void produceSingly(
      String run, Random random, Set<UUID> all, Set<UUID> confirmed, Queue<Failure> failures) {
    Api orders = as("orders");
    List<UUID> prepared = new ArrayList<>();
    for (int i = 0; i < SINGLES_EACH; i++) {
      prepared.add(prepare(orders, run, random, all, failures));
      if (prepared.size() > 2 || i == SINGLES_EACH - 1) {
        while (!prepared.isEmpty()) {
          UUID id = prepared.remove(random.nextInt(prepared.size()));
          if (call(failures, "confirm", orders.post("/api/v1/messages/" + id + "/confirm"))) {
            confirmed.add(id);
          }
          if (prepared.size() < 2 && i < SINGLES_EACH - 1) {
            break;
          }
        }
      }
    }
  }

  /** Prepares of many keys, then a batch confirm and a batch cancel of them in random order. */
  private void produceInBatches(
      String run, Random random, Set<UUID> all, Set<UUID> confirmed, Queue<Failure> failures) {
    Api orders = as("orders");
    for (int b = 0; b < BATCHES_EACH; b++) {
      List<UUID> ids = new ArrayList<>();
      for (int i = 0; i < BATCH; i++) {
        ids.add(prepare(orders, run, random, all, failures));
      }
      Collections.shuffle(ids, random);
      List<UUID> confirm = ids.subList(0, BATCH - 2);
      List<UUID> cancel = ids.subList(BATCH - 2, BATCH);
      if (call(
          failures,
          "batch confirm",
          orders.post("/api/v1/messages/batch/confirm", Map.of("messageIds", confirm)))) {
        confirmed.addAll(confirm);
      }
      call(
          failures,
          "batch cancel",
          orders.post("/api/v1/messages/batch/cancel", Map.of("messageIds", cancel)));
    }
  }

  private UUID prepare(
      Api orders, String run, Random random, Set<UUID> all, Queue<Failure> failures) {
    String key = run + "-key-" + random.nextInt(KEYS);
    Response r = orders.prepare(TOPIC, "orderingKey", key, "payload", Map.of("key", key));
    assertThat(call(failures, "prepare", r)).as("prepare answered %s", r.raw()).isTrue();
    all.add(r.id());
    return r.id();
  }

  /** The consumer: acks in one call whatever arrived together (up to 20 ids, crossing keys). */
  private void consume(
      BrokerProbe queue, Set<UUID> all, Queue<Failure> failures, AtomicBoolean consuming) {
    Api cart = as("cart");
    while (consuming.get()) {
      List<UUID> batch = new ArrayList<>();
      GetResponse r = queue.next(Duration.ofMillis(200));
      while (r != null && batch.size() < 20) {
        UUID id = UUID.fromString(r.getProps().getMessageId());
        if (all.contains(id)) {
          batch.add(id);
        }
        r = queue.next(Duration.ofMillis(5));
      }
      if (r != null) {
        UUID id = UUID.fromString(r.getProps().getMessageId());
        if (all.contains(id)) {
          batch.add(id);
        }
      }
      if (!batch.isEmpty()) {
        call(failures, "ack", cart.ack(SUB, batch.toArray(UUID[]::new)));
      }
    }
  }

  /** Records an answer of 500 or more; true for a 2xx. */
  private static boolean call(Queue<Failure> failures, String call, Response r) {
    if (r.status() >= 500) {
      failures.add(new Failure(call, r.status(), r.raw()));
    }
    return r.status() / 100 == 2;
  }

  private long acked(Set<UUID> ids) {
    Long n =
        jdbc.queryForObject(
            """
            select count(*) from delivery
             where subscription = ? and status = 'ACKED' and message_id = any(?::uuid[])
            """,
            Long.class,
            SUB,
            ids.toArray(UUID[]::new));
    return n == null ? 0 : n;
  }

  private long deadlocks() {
    Long n =
        jdbc.queryForObject(
            "select deadlocks from pg_stat_database where datname = current_database()",
            Long.class);
    return n == null ? 0 : n;
  }

  /**
   * The counter once every backend that served the run reported its statistics. A backend reports
   * when it exits, so the pool's connections are replaced first; one that stays (another pool)
   * reports within PostgreSQL's idle interval of 10 s.
   */
  private long deadlocksAfterFlush() throws InterruptedException {
    Integer[] served =
        jdbc.queryForList(
                "select pid from pg_stat_activity where datname = current_database()",
                Integer.class)
            .toArray(Integer[]::new);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
    while (System.nanoTime() < deadline) {
      dataSource.getHikariPoolMXBean().softEvictConnections();
      Long left =
          jdbc.queryForObject(
              "select count(*) from pg_stat_activity where pid = any(?::int[])",
              Long.class,
              (Object) served);
      if (left != null && left == 0) {
        break;
      }
      Thread.sleep(200);
    }
    return deadlocks();
  }
}
