package io.rms.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.api.Decision;
import io.rms.testsupport.SettableClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Check-back answered from the application's business rows (no prepared-message log), against a
 * real PostgreSQL {@code orders} table: COMMIT when the order is there, ROLLBACK only when it is
 * not and its transaction can no longer commit, UNKNOWN while it may still be running.
 */
class BusinessRowResolverTest {
  private static final Duration TX_TIMEOUT = Duration.ofSeconds(60);
  private static ProducerDatabase db;
  private static JdbcTemplate jdbc;

  @BeforeAll
  static void orders() {
    db = new ProducerDatabase("producer_business_row");
    jdbc = new JdbcTemplate(db.dataSource);
    jdbc.execute("create table orders (key text primary key, n bigint not null)");
  }

  private static final Predicate<CheckBackRequest> ORDER_EXISTS =
      request ->
          jdbc.queryForObject(
              "select exists (select 1 from orders where key = ?)",
              Boolean.class,
              request.businessKey());

  private static CheckBackRequest request(String order, Instant preparedAt) {
    return new CheckBackRequest(
        UUID.randomUUID(), "p-" + order, "order.created", order, preparedAt, 1);
  }

  /** The answer for {@code order}, {@code seconds} after its message was prepared. */
  private static Decision answer(String order, long seconds) {
    Instant prepared = Instant.now();
    SettableClock clock = new SettableClock(prepared.plusSeconds(seconds));
    return new BusinessRowResolver(ORDER_EXISTS, TX_TIMEOUT, clock)
        .resolve(request(order, prepared));
  }

  private static String newOrder() {
    return "o-" + UUID.randomUUID();
  }

  @Test
  void committedOrderAnswersCommit() {
    String order = newOrder();
    db.tx.executeWithoutResult(s -> jdbc.update("insert into orders values (?, 1)", order));
    assertThat(answer(order, 0)).isEqualTo(Decision.COMMIT);
    assertThat(answer(order, 3600)).isEqualTo(Decision.COMMIT);
  }

  @Test
  void missingOrderIsUnknownWithinTheTransactionTimeoutAndRollbackAfter() {
    String order = newOrder();
    assertThat(answer(order, 0)).isEqualTo(Decision.UNKNOWN);
    assertThat(answer(order, 60)).as("at the timeout itself").isEqualTo(Decision.UNKNOWN);
    assertThat(answer(order, 61)).isEqualTo(Decision.ROLLBACK);
  }

  @Test
  void aTransactionStillRunningWhenTheCheckBackArrivesGetsUnknownThenCommit() throws Exception {
    String order = newOrder();
    try (Connection business = db.dataSource.getConnection()) {
      business.setAutoCommit(false);
      try (PreparedStatement insert =
          business.prepareStatement("insert into orders values (?, 1)")) {
        insert.setString(1, order);
        insert.executeUpdate();
      }
      // the order is written but not committed: invisible to the resolver, which must not say
      // ROLLBACK for a transaction that may still commit
      assertThat(answer(order, 5)).isEqualTo(Decision.UNKNOWN);
      business.commit();
    }
    assertThat(answer(order, 5)).isEqualTo(Decision.COMMIT);
  }

  @Test
  void theAgeIsTakenBeforeTheRowIsRead() {
    // the transaction commits right after the read found nothing, within its timeout; time passes
    // the timeout before the answer is given: it must not be ROLLBACK
    String order = newOrder();
    Instant prepared = Instant.now();
    SettableClock clock = new SettableClock(prepared.plusSeconds(59));
    Predicate<CheckBackRequest> readThenCommitAndWait =
        request -> {
          boolean found = ORDER_EXISTS.test(request);
          db.tx.executeWithoutResult(s -> jdbc.update("insert into orders values (?, 1)", order));
          clock.advance(Duration.ofSeconds(10));
          return found;
        };
    assertThat(
            new BusinessRowResolver(readThenCommitAndWait, TX_TIMEOUT, clock)
                .resolve(request(order, prepared)))
        .isEqualTo(Decision.UNKNOWN);
    assertThat(answer(order, 120)).isEqualTo(Decision.COMMIT);
  }

  @Test
  void unknownPreparedAtIsNeverRolledBack() {
    SettableClock clock = new SettableClock(Instant.now());
    assertThat(
            new BusinessRowResolver(ORDER_EXISTS, TX_TIMEOUT, clock)
                .resolve(request(newOrder(), null)))
        .isEqualTo(Decision.UNKNOWN);
  }
}
