package io.rms.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rms.api.Decision;
import io.rms.producer.internal.PreparedLog;
import io.rms.producer.internal.PreparedLogCleaner;
import io.rms.producer.internal.PreparedLogResolver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/** The default check-back answers, against the producer's real PostgreSQL log table. */
class PreparedLogResolverTest {
  private static final Duration TX_TIMEOUT = Duration.ofSeconds(60);
  private static ProducerDatabase db;
  private static PreparedLog log;

  @BeforeAll
  static void schema() {
    db = new ProducerDatabase("producer_log");
    log = new PreparedLog(db.dataSource);
    log.createSchema();
  }

  private static PreparedLogResolver resolverAt(Instant now) {
    return new PreparedLogResolver(
        log, TX_TIMEOUT, Duration.ofMillis(300), Clock.fixed(now, ZoneOffset.UTC));
  }

  private static CheckBackRequest request(UUID id, Instant preparedAt) {
    return new CheckBackRequest(id, "k-" + id, "order.created", null, preparedAt, 0);
  }

  /** The answer to a check-back of message {@code id}, {@code seconds} after it was prepared. */
  private static Decision answer(UUID id, Instant prepared, long seconds) {
    return resolverAt(prepared.plusSeconds(seconds)).resolve(request(id, prepared));
  }

  @Test
  void committedTransactionAnswersCommit() {
    UUID id = UUID.randomUUID();
    db.tx.executeWithoutResult(s -> log.recordInCurrentTransaction(id, "order.created"));
    assertThat(answer(id, Instant.now(), 0)).isEqualTo(Decision.COMMIT);
  }

  @Test
  void missingRowIsUnknownWithinTheTransactionTimeoutAndRollbackAfter() {
    UUID id = UUID.randomUUID();
    Instant prepared = Instant.now();
    assertThat(answer(id, prepared, 59)).isEqualTo(Decision.UNKNOWN);
    assertThat(answer(id, prepared, 61)).isEqualTo(Decision.ROLLBACK);
    assertThat(answer(id, prepared, 62))
        .as("the answer stays the same")
        .isEqualTo(Decision.ROLLBACK);
  }

  @Test
  void rollbackIsFinalAStragglingTransactionCannotCommitAfterIt() {
    UUID id = UUID.randomUUID();
    Instant prepared = Instant.now();
    assertThat(answer(id, prepared, 61)).isEqualTo(Decision.ROLLBACK);
    assertThatThrownBy(
            () -> db.tx.executeWithoutResult(s -> log.recordInCurrentTransaction(id, "t")))
        .isInstanceOf(DuplicateKeyException.class);
    assertThat(log.outcome(id)).contains(PreparedLog.Outcome.ROLLED_BACK);
  }

  @Test
  void transactionStillRunningPastTheTimeoutIsUnknownThenCommitOnceItCommits() throws Exception {
    UUID id = UUID.randomUUID();
    Instant prepared = Instant.now();
    CountDownLatch inserted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> business =
        CompletableFuture.runAsync(
            () ->
                db.tx.executeWithoutResult(
                    s -> {
                      log.recordInCurrentTransaction(id, "order.created");
                      inserted.countDown();
                      try {
                        release.await(10, TimeUnit.SECONDS);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    }));
    assertThat(inserted.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(answer(id, prepared, 61))
        .as("the row is held by a running transaction")
        .isEqualTo(Decision.UNKNOWN);
    release.countDown();
    business.get(10, TimeUnit.SECONDS);
    assertThat(answer(id, prepared, 62)).isEqualTo(Decision.COMMIT);
  }

  @Test
  void cleanerDeletesOnlyRowsOlderThanTheRetention() {
    UUID old = UUID.randomUUID();
    UUID fresh = UUID.randomUUID();
    db.tx.executeWithoutResult(
        s -> {
          log.recordInCurrentTransaction(old, "t");
          log.recordInCurrentTransaction(fresh, "t");
        });
    new JdbcTemplate(db.dataSource)
        .update(
            "update rms_producer_log set created_at = now() - interval '8 days'"
                + " where message_id = ?",
            old);
    int deleted = new PreparedLogCleaner(log, Duration.ofDays(7), Duration.ofHours(1)).cleanOnce();
    assertThat(deleted).isGreaterThanOrEqualTo(1);
    assertThat(log.outcome(old)).isEmpty();
    assertThat(log.outcome(fresh)).contains(PreparedLog.Outcome.COMMITTED);
  }
}
