package io.rms.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.rms.api.RmsApiException;
import io.rms.api.RmsClient;
import io.rms.api.RmsClients;
import io.rms.producer.internal.BatchingCompleter;
import io.rms.producer.internal.BatchingPreparer;
import io.rms.producer.internal.PreparedLog;
import io.rms.producer.internal.TransactionalMessenger;
import io.rms.sdk.client.ResilientRmsClient;
import io.rms.service.testing.Await;
import io.rms.service.testing.IntegrationTest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Concurrent sends through {@link BatchingPreparer} and {@link BatchingCompleter} against the
 * running service: they share batch calls, and each business transaction still decides its own
 * message.
 */
class BatchingSendTest extends IntegrationTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int TRANSACTIONS = 120;
  private static final int THREADS = 24;
  private static ProducerDatabase db;

  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private BatchingPreparer preparer;
  private BatchingCompleter completer;
  private TransactionalMessenger messenger;
  private JdbcTemplate producerJdbc;

  @BeforeEach
  void producer() {
    if (db == null) {
      db = new ProducerDatabase("producer_batching");
      new JdbcTemplate(db.dataSource)
          .execute("create table if not exists orders (id text primary key, total int not null)");
    }
    ResilientRmsClient client = countingClient();
    preparer = new BatchingPreparer(client, 2, 200, 1000);
    completer = new BatchingCompleter(client, 2, 200, 1000);
    PreparedLog log = new PreparedLog(db.dataSource);
    log.createSchema();
    messenger = new TransactionalMessenger(client, preparer, log, completer);
    producerJdbc = new JdbcTemplate(db.dataSource);
  }

  @AfterEach
  void stop() {
    preparer.close();
    completer.close();
  }

  /** The service's client, counting the calls made through it by method name. */
  private ResilientRmsClient countingClient() {
    RmsClient real = RmsClients.create("http://127.0.0.1:" + port, "orders-key");
    RmsClient counting =
        (RmsClient)
            Proxy.newProxyInstance(
                RmsClient.class.getClassLoader(),
                new Class<?>[] {RmsClient.class},
                (proxy, method, args) -> {
                  calls
                      .computeIfAbsent(method.getName(), k -> new AtomicInteger())
                      .incrementAndGet();
                  try {
                    return method.invoke(real, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    return new ResilientRmsClient(
        counting,
        CircuitBreaker.ofDefaults("test"),
        Retry.ofDefaults("fg"),
        Retry.ofDefaults("bg"));
  }

  private int calls(String method) {
    return calls.getOrDefault(method, new AtomicInteger()).get();
  }

  private String status(UUID id) {
    return jdbc.queryForObject("select status from message where id = ?", String.class, id);
  }

  /** Runs {@code TRANSACTIONS} business transactions on {@code THREADS} threads, all at once. */
  private List<Future<UUID>> concurrently(IntFunction<UUID> transaction) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<UUID>> results = new ArrayList<>();
    for (int i = 0; i < TRANSACTIONS; i++) {
      int n = i;
      results.add(
          pool.submit(
              () -> {
                start.await();
                return transaction.apply(n);
              }));
    }
    start.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    return results;
  }

  /**
   * Runs the business transactions {@link #concurrently}: transaction {@code n} inserts the order
   * {@code run-n} and then sends through {@code send}; what a transaction throws (and so rolls it
   * back) is handed to {@code failed}, whose answer stands for that transaction's result.
   */
  private List<Future<UUID>> concurrentOrders(
      String run, IntFunction<UUID> send, BiFunction<Integer, RuntimeException, UUID> failed)
      throws Exception {
    return concurrently(
        n -> {
          try {
            return db.tx.execute(
                s -> {
                  producerJdbc.update("insert into orders values (?, ?)", run + "-" + n, n);
                  return send.apply(n);
                });
          } catch (RuntimeException e) {
            return failed.apply(n, e);
          }
        });
  }

  /** The orders of a run still in the producer's database. */
  private int orders(String run) {
    return producerJdbc.queryForObject(
        "select count(*) from orders where id like ?", Integer.class, run + "-%");
  }

  @Test
  void concurrentTransactionsShareBatchCallsAndEachMessageFollowsItsTransaction() throws Exception {
    String run = UUID.randomUUID().toString();
    List<Future<UUID>> sent =
        concurrentOrders(
            run,
            n -> {
              UUID id = messenger.send("order.created", Map.of("n", n));
              if (n % 10 == 0) {
                throw new RollBack(id);
              }
              return id;
            },
            (n, e) -> {
              if (e instanceof RollBack rolledBack) {
                return rolledBack.id;
              }
              throw e;
            });
    List<UUID> committed = new ArrayList<>();
    List<UUID> rolledBack = new ArrayList<>();
    for (int i = 0; i < sent.size(); i++) {
      (i % 10 == 0 ? rolledBack : committed).add(sent.get(i).get());
    }
    Await.until(
        WAIT,
        "every committed message confirmed, every rolled-back one cancelled",
        () ->
            committed.stream().allMatch(id -> Set.of("CONFIRMED", "DELIVERED").contains(status(id)))
                && rolledBack.stream().allMatch(id -> "CANCELLED".equals(status(id))));
    assertThat(orders(run)).isEqualTo(committed.size());
    assertThat(calls("prepare")).as("no single prepare calls").isZero();
    assertThat(calls("batchPrepare"))
        .as("%d concurrent prepares share calls", TRANSACTIONS)
        .isBetween(1, TRANSACTIONS - 1);
    assertThat(calls("confirm") + calls("cancel")).as("no single confirm/cancel calls").isZero();
    assertThat(calls("batchConfirm") + calls("batchCancel")).isLessThan(TRANSACTIONS);
  }

  @Test
  void aRefusedPrepareFailsOnlyItsOwnTransaction() throws Exception {
    String run = UUID.randomUUID().toString();
    Map<Integer, Throwable> failures = new ConcurrentHashMap<>();
    List<Future<UUID>> sent =
        concurrentOrders(
            run,
            // every seventh sends to a topic without subscription: 422 for that one
            n -> messenger.send(n % 7 == 0 ? "order.orphan" : "order.created", Map.of("n", n)),
            (n, e) -> {
              failures.put(n, e);
              return null;
            });
    for (int i = 0; i < sent.size(); i++) {
      if (i % 7 == 0) {
        assertThat(failures.get(i))
            .isInstanceOfSatisfying(
                RmsApiException.class, e -> assertThat(e.status()).isEqualTo(422));
      } else {
        assertThat(failures).doesNotContainKey(i);
        UUID id = sent.get(i).get();
        Await.until(WAIT, "confirmed", () -> !"PREPARED".equals(status(id)));
      }
    }
    assertThat(orders(run))
        .as("the refused sends' business rows are rolled back")
        .isEqualTo(TRANSACTIONS - failures.size());
  }

  /** Rolls the business transaction back after its send. */
  private static final class RollBack extends RuntimeException {
    final UUID id;

    RollBack(UUID id) {
      super("rolled back on purpose");
      this.id = id;
    }
  }
}
