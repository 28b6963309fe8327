package io.rms.consumer.internal;

import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/** The table {@code rms_inbox} in the consumer's own database: processed message ids. */
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
   * Records the message as processed in the caller's transaction; false if it already was (or a
   * concurrent transaction holding it commits first).
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
    return jdbc.update(
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
