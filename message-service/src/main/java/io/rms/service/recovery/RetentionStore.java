package io.rms.service.recovery;

import io.rms.recovery.RetentionPort;
import io.rms.service.message.StatsRollup;
import java.time.Duration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The retention port: one bounded {@code DELETE} per batch, oldest first along the index {@code
 * message_finished}; deliveries and events go with their message ({@code on delete cascade}).
 * {@code SKIP LOCKED} lets two instances delete side by side without waiting on each other. The
 * same statement subtracts the deleted rows that the stats rollup had folded ({@link StatsRollup}),
 * with the watermark held from before the statement to the commit, so the counts stay exact.
 */
@Repository
class RetentionStore implements RetentionPort {
  private final JdbcTemplate jdbc;
  private final StatsRollup rollup;
  private final TransactionTemplate tx;

  RetentionStore(JdbcTemplate jdbc, StatsRollup rollup, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.rollup = rollup;
    this.tx = tx;
  }

  @Override
  public int deleteFinishedOlderThan(Duration age, int limit) {
    return tx.execute(status -> delete(age, limit));
  }

  private int delete(Duration age, int limit) {
    rollup.holdWatermark();
    return jdbc.queryForObject(
        """
        with doomed as (
          select id from message
           where finished_at < now() - ? * interval '1 millisecond'
             and status in ('DELIVERED', 'CANCELLED')
           order by finished_at
           limit ?
             for update skip locked
        ), gone as (
          delete from message m using doomed where m.id = doomed.id
          returning m.id, m.app_id, m.topic, m.status, m.finished_at
        ), fold as (
          select watermark from stats_fold
        ), messages as (
          select g.app_id, g.topic, g.status, count(*) as n
            from gone g, fold
           where g.finished_at <= fold.watermark
           group by g.app_id, g.topic, g.status
        ), deliveries as (
          -- the cascade's victims: the statement's snapshot still shows them
          select d.subscription, d.status, count(*) as n
            from delivery d join gone g on g.id = d.message_id, fold
           where d.status in ('ACKED', 'DISCARDED') and %s <= fold.watermark
           group by d.subscription, d.status
        ), message_counts as (
          update message_count c set n = c.n - m.n
            from messages m
           where c.app_id = m.app_id and c.topic = m.topic and c.status = m.status
        ), delivery_counts as (
          update delivery_count c set n = c.n - d.n
            from deliveries d
           where c.subscription = d.subscription and c.status = d.status
        )
        select count(*) from gone
        """
            .formatted(StatsRollup.deliveryFinish("d")),
        Integer.class,
        age.toMillis(),
        limit);
  }
}
