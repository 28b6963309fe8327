package io.rms.service.message;

import io.rms.service.testing.IntegrationTest;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The stats tests' fixture: their rows are of topic {@link #TOPIC}; each test starts with empty
 * counts and the scheduled fold paused, and leaves with its rows and their share of the counts
 * removed.
 */
abstract class StatsRollupFixture extends IntegrationTest {
  static final String TOPIC = "order.stats-rollup";
  private static final JobKey FOLD_JOB = JobKey.jobKey("stats-fold", "rms");

  @Autowired StatsRollup rollup;
  @Autowired MessageQueries queries;
  @Autowired TransactionTemplate tx;
  @Autowired Scheduler scheduler;

  /**
   * Starts the counts over (empty, watermark {@code -infinity}: everything is counted live), which
   * is always exact, so that the test may insert rows that finished in the past: below a watermark
   * they would never be folded, as rows a running transaction finishes late would be without the
   * fold's lag.
   */
  @BeforeEach
  void startTheCountsOver() throws SchedulerException {
    // the scheduled fold (a minute behind) would otherwise fold past rows this test inserts later
    scheduler.pauseJob(FOLD_JOB);
    tx.executeWithoutResult(
        status -> {
          jdbc.queryForObject("select 1 from stats_fold for update", Integer.class);
          jdbc.update("delete from message_count");
          jdbc.update("delete from delivery_count");
          jdbc.update("update stats_fold set watermark = '-infinity'");
        });
  }

  /** Takes this test's rows out, with their share of the counts (as retention does). */
  @AfterEach
  void removeTheRows() throws SchedulerException {
    scheduler.resumeJob(FOLD_JOB);
    tx.executeWithoutResult(
        status -> {
          rollup.holdWatermark();
          jdbc.update(
              """
              update delivery_count c set n = c.n - x.n
                from (select d.subscription, d.status, count(*) as n
                        from delivery d join message m on m.id = d.message_id
                       where m.topic = ? and d.status in ('ACKED', 'DISCARDED')
                         and %s <= (select watermark from stats_fold)
                       group by d.subscription, d.status) x
               where c.subscription = x.subscription and c.status = x.status
              """
                  .formatted(StatsRollup.deliveryFinish("d")),
              TOPIC);
          jdbc.update("delete from message_count where topic = ?", TOPIC);
          jdbc.update("delete from message where topic = ?", TOPIC);
        });
  }

  /** One fold without lag, up to now. */
  protected long fold() {
    return tx.execute(status -> rollup.fold(Duration.ZERO, 1_000_000));
  }
}
