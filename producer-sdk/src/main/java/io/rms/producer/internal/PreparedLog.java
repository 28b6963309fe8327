package io.rms.producer.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The table {@code rms_producer_log} in the producer's own database: which prepared messages belong
 * to a committed local transaction, and which the check-back declared rolled back.
 */
public final class PreparedLog {
  /** The outcome of a message as this log knows it. */
  public enum Outcome {
    /** The business transaction that sent it committed. */
    COMMITTED,
    /** The check-back declared it rolled back (tombstone). */
    ROLLED_BACK
  }

  private static final String SCHEMA = "io/rms/producer/schema-postgresql.sql";

  private final DataSource dataSource;
  private final JdbcTemplate jdbc;
  private final TransactionTemplate ownTx;

  public PreparedLog(DataSource dataSource) {
    this.dataSource = dataSource;
    this.jdbc = new JdbcTemplate(dataSource);
    this.ownTx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
  }

  /** Creates the table if it does not exist. */
  public void createSchema() {
    new ResourceDatabasePopulator(new ClassPathResource(SCHEMA)).execute(dataSource);
  }

  /**
   * Records that {@code id} belongs to the caller's transaction. Joins that transaction (same
   * DataSource); fails it if the check-back already declared the message rolled back.
   */
  public void recordInCurrentTransaction(UUID id, String topic) {
    jdbc.update("insert into rms_producer_log (message_id, topic) values (?, ?)", id, topic);
  }

  /** What the log knows about {@code id}; empty if nothing (yet). */
  public Optional<Outcome> outcome(UUID id) {
    return jdbc
        .query(
            "select rolled_back from rms_producer_log where message_id = ?",
            (rs, n) -> rs.getBoolean(1),
            id)
        .stream()
        .findFirst()
        .map(rolledBack -> rolledBack ? Outcome.ROLLED_BACK : Outcome.COMMITTED);
  }

  /**
   * Declares {@code id} rolled back unless its business transaction committed; waits at most {@code
   * lockWait} for a business transaction that still holds the row. Returns the final outcome, or
   * empty when that transaction is still running.
   */
  public Optional<Outcome> declareRolledBack(UUID id, String topic, Duration lockWait) {
    try {
      Integer inserted =
          ownTx.execute(
              status -> {
                jdbc.execute("set local lock_timeout = " + Math.max(1, lockWait.toMillis()));
                return jdbc.update(
                    """
                    insert into rms_producer_log (message_id, topic, rolled_back)
                    values (?, ?, true)
                    on conflict (message_id) do nothing
                    """,
                    id,
                    topic);
              });
      if (inserted != null && inserted == 1) {
        return Optional.of(Outcome.ROLLED_BACK);
      }
      return outcome(id);
    } catch (DataAccessException stillLocked) {
      return Optional.empty();
    }
  }

  /** Deletes up to {@code limit} rows older than {@code age} (database clock); returns how many. */
  public int deleteOlderThan(Duration age, int limit) {
    return jdbc.update(
        """
        delete from rms_producer_log where message_id in (
            select message_id from rms_producer_log
            where created_at < now() - make_interval(secs => ?)
            limit ?)
        """,
        age.toMillis() / 1000.0,
        limit);
  }
}
