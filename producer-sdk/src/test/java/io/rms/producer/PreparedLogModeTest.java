package io.rms.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rms.api.Decision;
import io.rms.producer.autoconfigure.ProducerAutoConfiguration;
import io.rms.producer.internal.PreparedLog;
import io.rms.producer.internal.PreparedLogResolver;
import io.rms.sdk.client.autoconfigure.RmsClientAutoConfiguration;
import io.rms.service.testing.Await;
import io.rms.service.testing.IntegrationTest;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code rms.producer.prepared-log} end to end: the auto-configured messenger against the running
 * service, business transactions on the producer's own PostgreSQL database. Beside an application
 * resolver the SDK writes nothing into {@code rms_producer_log} and messages are still confirmed.
 */
class PreparedLogModeTest extends IntegrationTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static ProducerDatabase db;

  @BeforeEach
  void producerDatabase() {
    if (db == null) {
      db = new ProducerDatabase("producer_logmode");
      new JdbcTemplate(db.dataSource)
          .execute("create table if not exists orders (id text primary key, total int not null)");
      // the table exists, so "nothing written" is a count and not a missing table
      new PreparedLog(db.dataSource).createSchema();
    }
  }

  private ApplicationContextRunner producer() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                DataSourceAutoConfiguration.class,
                RmsClientAutoConfiguration.class,
                ProducerAutoConfiguration.class))
        .withPropertyValues(
            "spring.datasource.url=" + db.url,
            "spring.datasource.username=postgres",
            "rms.client.base-url=http://127.0.0.1:" + port,
            "rms.client.api-key=orders-key");
  }

  /** The application's resolver: does the order of the business key exist? */
  private static CheckBackResolver ordersResolver(DataSource dataSource) {
    JdbcTemplate orders = new JdbcTemplate(dataSource);
    return new BusinessRowResolver(
        request ->
            orders.queryForObject(
                "select exists (select 1 from orders where id = ?)",
                Boolean.class,
                request.businessKey()),
        Duration.ofMinutes(1),
        Clock.systemUTC());
  }

  /** Places an order and sends its message in one transaction of the context's DataSource. */
  private static UUID placeOrder(AssertableApplicationContext context, String order) {
    DataSource dataSource = context.getBean(DataSource.class);
    ReliableMessenger messenger = context.getBean(ReliableMessenger.class);
    return new TransactionTemplate(new DataSourceTransactionManager(dataSource))
        .execute(
            s -> {
              new JdbcTemplate(dataSource).update("insert into orders values (?, 10)", order);
              return messenger.send(
                  "order.created", Map.of("orderId", order), SendOptions.businessKey(order));
            });
  }

  private String status(UUID id) {
    return jdbc.queryForObject("select status from message where id = ?", String.class, id);
  }

  private void awaitConfirmed(UUID id) {
    Await.until(WAIT, "confirmed", () -> Set.of("CONFIRMED", "DELIVERED").contains(status(id)));
  }

  private static int logRows(UUID id) {
    return new JdbcTemplate(db.dataSource)
        .queryForObject(
            "select count(*) from rms_producer_log where message_id = ?", Integer.class, id);
  }

  @Test
  void withAnApplicationResolverACommittedSendWritesNoLogRowAndIsConfirmed() {
    producer()
        .withBean(CheckBackResolver.class, () -> ordersResolver(db.dataSource))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              String order = "o-" + UUID.randomUUID();
              UUID id = placeOrder(context, order);
              awaitConfirmed(id);
              assertThat(logRows(id)).isZero();
              assertThat(
                      context
                          .getBean(CheckBackResolver.class)
                          .resolve(new CheckBackRequest(id, null, "order.created", order, null, 1)))
                  .as("the application's resolver finds the order")
                  .isEqualTo(Decision.COMMIT);
            });
  }

  @Test
  void withAnApplicationResolverARolledBackSendIsCancelled() {
    producer()
        .withBean(CheckBackResolver.class, () -> ordersResolver(db.dataSource))
        .run(
            context -> {
              ReliableMessenger messenger = context.getBean(ReliableMessenger.class);
              UUID[] id = new UUID[1];
              assertThatThrownBy(
                      () ->
                          new TransactionTemplate(
                                  new DataSourceTransactionManager(
                                      context.getBean(DataSource.class)))
                              .executeWithoutResult(
                                  s -> {
                                    id[0] = messenger.send("order.created", Map.of("n", 1));
                                    throw new IllegalStateException("out of stock");
                                  }))
                  .hasMessage("out of stock");
              Await.until(WAIT, "cancelled", () -> "CANCELLED".equals(status(id[0])));
              assertThat(logRows(id[0])).isZero();
            });
  }

  @Test
  void preparedLogOnWritesTheRowBesideAnApplicationResolver() {
    producer()
        .withPropertyValues("rms.producer.prepared-log=on")
        .withBean(CheckBackResolver.class, () -> ordersResolver(db.dataSource))
        .run(
            context -> {
              UUID id = placeOrder(context, "o-" + UUID.randomUUID());
              awaitConfirmed(id);
              assertThat(logRows(id)).isEqualTo(1);
            });
  }

  @Test
  void withoutAnApplicationResolverTheLogIsWrittenAndAnswersCheckBack() {
    producer()
        .run(
            context -> {
              assertThat(context.getBean(CheckBackResolver.class))
                  .isInstanceOf(PreparedLogResolver.class);
              UUID id = placeOrder(context, "o-" + UUID.randomUUID());
              awaitConfirmed(id);
              assertThat(logRows(id)).isEqualTo(1);
              assertThat(
                      context
                          .getBean(CheckBackResolver.class)
                          .resolve(new CheckBackRequest(id, null, "order.created", null, null, 1)))
                  .isEqualTo(Decision.COMMIT);
            });
  }
}
