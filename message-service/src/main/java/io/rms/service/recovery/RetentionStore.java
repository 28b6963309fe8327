package io.rms.service.recovery;

import io.rms.recovery.RetentionPort;
import java.time.Duration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The retention port: one bounded {@code DELETE} per batch, oldest first along the index {@code
 * message_finished}; deliveries and events go with their message ({@code on delete cascade}).
 * {@code SKIP LOCKED} lets two instances delete side by side without waiting on each other.
 */
@Repository
class RetentionStore implements RetentionPort {
  private final JdbcTemplate jdbc;

  RetentionStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public int deleteFinishedOlderThan(Duration age, int limit) {
    return jdbc.update(
        """
        delete from message
         where id in (
           select id from message
            where finished_at < now() - ? * interval '1 millisecond'
              and status in ('DELIVERED', 'CANCELLED')
            order by finished_at
            limit ?
              for update skip locked)
        """,
        age.toMillis(),
        limit);
  }
}
