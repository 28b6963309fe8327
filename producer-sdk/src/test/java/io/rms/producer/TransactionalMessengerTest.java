package io.rms.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rms.api.RmsApiException;
import io.rms.producer.internal.AsyncCompleter;
import io.rms.producer.internal.Completer;
import io.rms.producer.internal.PreparedLog;
import io.rms.producer.internal.TransactionalMessenger;
import io.rms.sdk.client.ResilientRmsClient;
import io.rms.sdk.client.RmsClientProperties;
import io.rms.service.testing.Await;
import io.rms.service.testing.IntegrationTest;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@link TransactionalMessenger} against the running service (real PostgreSQL and broker) and the
 * producer's own database: the message follows the local transaction.
 */
class TransactionalMessengerTest extends IntegrationTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static ProducerDatabase db;

  private ResilientRmsClient client;
  private AsyncCompleter completer;
  private PreparedLog log;
  private JdbcTemplate producerJdbc;

  @BeforeEach
  void producer() {
    if (db == null) {
      db = new ProducerDatabase("producer_it");
      new JdbcTemplate(db.dataSource)
          .execute("create table if not exists orders (id text primary key, total int not null)");
    }
    client = ResilientRmsClient.create(properties("orders-key"));
    completer = new AsyncCompleter(client, 2, 100);
    log = new PreparedLog(db.dataSource);
    log.createSchema();
    producerJdbc = new JdbcTemplate(db.dataSource);
  }

  @AfterEach
  void stop() {
    completer.close();
  }

  private RmsClientProperties properties(String key) {
    return new RmsClientProperties(
        "http://127.0.0.1:" + port,
        key,
        Duration.ofSeconds(2),
        Duration.ofSeconds(5),
        new RmsClientProperties.Retry(3, 5, Duration.ofMillis(50), 2.0, Duration.ofSeconds(1)),
        new RmsClientProperties.CircuitBreaker(50, 20, Duration.ofSeconds(5)));
  }

  private String status(UUID id) {
    return jdbc.queryForObject("select status from message where id = ?", String.class, id);
  }

  private int orders(String id) {
    return producerJdbc.queryForObject(
        "select count(*) from orders where id = ?", Integer.class, id);
  }

  /** Inserts {@code order} and sends {@code topic} for it in one business transaction. */
  private void placeOrder(TransactionalMessenger messenger, String order, String topic) {
    db.tx.executeWithoutResult(
        s -> {
          producerJdbc.update("insert into orders values (?, 10)", order);
          messenger.send(topic, Map.of("orderId", order));
        });
  }

  @Test
  void committedTransactionConfirmsTheMessageAndLogsItsId() {
    TransactionalMessenger messenger = new TransactionalMessenger(client, log, completer);
    String order = "o-" + UUID.randomUUID();
    UUID id =
        db.tx.execute(
            s -> {
              producerJdbc.update("insert into orders values (?, 10)", order);
              UUID sent =
                  messenger.send(
                      "order.created", Map.of("orderId", order), SendOptions.businessKey(order));
              assertThat(status(sent)).as("prepared before commit").isEqualTo("PREPARED");
              return sent;
            });
    Await.until(WAIT, "confirmed", () -> Set.of("CONFIRMED", "DELIVERED").contains(status(id)));
    assertThat(orders(order)).isEqualTo(1);
    assertThat(log.outcome(id)).contains(PreparedLog.Outcome.COMMITTED);
    assertThat(
            jdbc.queryForObject("select business_key from message where id = ?", String.class, id))
        .isEqualTo(order);
  }

  @Test
  void rolledBackTransactionCancelsTheMessageAndLeavesNoLogRow() {
    TransactionalMessenger messenger = new TransactionalMessenger(client, log, completer);
    String order = "o-" + UUID.randomUUID();
    UUID[] id = new UUID[1];
    assertThatThrownBy(
            () ->
                db.tx.executeWithoutResult(
                    s -> {
                      producerJdbc.update("insert into orders values (?, 10)", order);
                      id[0] = messenger.send("order.created", Map.of("orderId", order));
                      throw new IllegalStateException("out of stock");
                    }))
        .hasMessage("out of stock");
    Await.until(WAIT, "cancelled", () -> "CANCELLED".equals(status(id[0])));
    assertThat(orders(order)).isZero();
    assertThat(log.outcome(id[0])).isEmpty();
  }

  @Test
  void failedPrepareFailsTheBusinessTransaction() {
    TransactionalMessenger messenger = new TransactionalMessenger(client, log, completer);
    String order = "o-" + UUID.randomUUID();
    assertThatThrownBy(() -> placeOrder(messenger, order, "order.orphan"))
        .isInstanceOf(RmsApiException.class)
        .satisfies(e -> assertThat(((RmsApiException) e).status()).isEqualTo(422));
    assertThat(orders(order)).as("the business change is rolled back").isZero();
  }

  @Test
  void unreachableServiceFailsTheBusinessTransaction() {
    ResilientRmsClient down =
        ResilientRmsClient.create(
            new RmsClientProperties(
                "http://127.0.0.1:1",
                "orders-key",
                Duration.ofMillis(200),
                Duration.ofMillis(200),
                new RmsClientProperties.Retry(
                    2, 2, Duration.ofMillis(10), 2.0, Duration.ofMillis(20)),
                new RmsClientProperties.CircuitBreaker(50, 20, Duration.ofSeconds(5))));
    TransactionalMessenger messenger = new TransactionalMessenger(down, log, completer);
    String order = "o-" + UUID.randomUUID();
    assertThatThrownBy(() -> placeOrder(messenger, order, "order.created"))
        .isInstanceOf(feign.RetryableException.class);
    assertThat(orders(order)).isZero();
  }

  @Test
  void sendOutsideATransactionIsConfirmedBeforeItReturns() {
    TransactionalMessenger messenger = new TransactionalMessenger(client, log, completer);
    UUID id = messenger.send("order.created", Map.of("orderId", "no-tx"));
    assertThat(status(id)).isIn("CONFIRMED", "DELIVERED");
  }

  @Test
  void sameProducerMessageIdInANewTransactionAfterCommitIsTheSameMessage() {
    TransactionalMessenger messenger = new TransactionalMessenger(client, log, completer);
    String key = "order-" + UUID.randomUUID();
    Supplier<UUID> sendInANewTransaction =
        () ->
            db.tx.execute(
                s ->
                    messenger.send(
                        "order.created",
                        Map.of("n", 1),
                        SendOptions.defaults().withProducerMessageId(key)));
    UUID first = sendInANewTransaction.get();
    Await.until(WAIT, "confirmed", () -> !"PREPARED".equals(status(first)));
    UUID second = sendInANewTransaction.get();
    assertThat(second).isEqualTo(first);
  }

  @Test
  void whenTheProducerDiesAfterCommitTheMessageStaysPreparedAndTheLogSaysCommit() {
    Completer dead =
        new Completer() {
          @Override
          public void committed(UUID messageId) {}

          @Override
          public void rolledBack(UUID messageId) {}
        };
    TransactionalMessenger messenger = new TransactionalMessenger(client, log, dead);
    UUID id = db.tx.execute(s -> messenger.send("order.created", Map.of("orderId", "dies")));
    assertThat(status(id)).isEqualTo("PREPARED");
    assertThat(log.outcome(id)).contains(PreparedLog.Outcome.COMMITTED);
  }
}
