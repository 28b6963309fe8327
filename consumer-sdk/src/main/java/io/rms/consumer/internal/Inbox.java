package io.rms.consumer.internal;

import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * The tables {@code rms_inbox} (processed message ids) and {@code rms_inbox_replay} (processed
 * replays of them: the replay id is part of the key, so a message is applied once per replay) in
 * the consumer's own database.
 */
public final class Inbox {
  private static final String SCHEMA = "io/rms/consumer/schema-postgresql.sql";

  private final DataSource dataSource;
  private final JdbcTemplate jdbc;

  public Inbox(DataSource dataSource) {
    this.dataSource = dataSource;
    this.jdbc = new JdbcTemplate(dataSource);
  }

  /** Creates the table if it does not exist. */
  public void createSchema() {
    new ResourceDatabasePopulator(new ClassPathResource(SCHEMA)).execute(dataSource);
  }

  /**
   * Records the message (its delivery of replay {@code replayId}; null: its first delivery) as
   * processed in the caller's transaction; false if it already was (or a concurrent transaction
   * holding it commits first).
   */
  public boolean claim(String subscription, UUID messageId, String replayId) {
    if (replayId != null) {
      return jdbc.update(
              """
              insert into rms_inbox_replay (subscription, message_id, replay_id) values (?, ?, ?)
              on conflict (subscription, message_id, replay_id) do nothing
              """,
              subscription,
              messageId,
              replayId)
          == 1;
    }
    return claim(subscription, messageId);
  }

  /**
   * Records the message's first delivery as processed in the caller's transaction; false if it
   * already was (or a concurrent transaction holding it commits first).
   */
  public boolean claim(String subscription, UUID messageId) {
    return jdbc.update(
            """
            insert into rms_inbox (subscription, message_id) values (?, ?)
            on conflict (subscription, message_id) do nothing
            """,
            subscription,
            messageId)
        == 1;
  }

  /** True if the message was processed (committed). */
  public boolean contains(String subscription, UUID messageId) {
    return jdbc.queryForObject(
        "select exists (select 1 from rms_inbox where subscription = ? and message_id = ?)",
        Boolean.class,
        subscription,
        messageId);
  }

  /** Deletes up to {@code limit} rows older than {@code age} (database clock); returns how many. */
  public int deleteOlderThan(Duration age, int limit) {
    int replays =
        jdbc.update(
            """
            delete from rms_inbox_replay where (subscription, message_id, replay_id) in (
                select subscription, message_id, replay_id from rms_inbox_replay
                where processed_at < now() - make_interval(secs => ?)
                limit ?)
            """,
            age.toMillis() / 1000.0,
            limit);
    return replays
        + jdbc.update(
            """
        delete from rms_inbox where (subscription, message_id) in (
            select subscription, message_id from rms_inbox
            where processed_at < now() - make_interval(secs => ?)
            limit ?)
        """,
            age.toMillis() / 1000.0,
            limit);
  }
}
