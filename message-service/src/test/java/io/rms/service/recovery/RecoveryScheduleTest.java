package io.rms.service.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.testing.Await;
import io.rms.service.testing.BrokerProbe;
import io.rms.service.testing.IntegrationTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.TriggerKey;
import org.springframework.beans.factory.annotation.Autowired;

/** The sweeps run as Quartz jobs from a clustered JDBC job store. */
class RecoveryScheduleTest extends IntegrationTest {
  @Autowired Scheduler scheduler;

  /** Only this test's due(...) makes work for the sweep. */
  @BeforeEach
  void parkOtherDeliveries() {
    parkUnfinishedDeliveries();
  }

  @Test
  void schedulerIsClusteredOnTheDatabaseWithOneTriggerPerSweep() throws Exception {
    assertThat(scheduler.isStarted()).isTrue();
    assertThat(scheduler.getMetaData().isJobStoreClustered()).isTrue();
    assertThat(scheduler.getMetaData().isJobStoreSupportsPersistence()).isTrue();
    for (String sweep :
        new String[] {
          "check-back", "redelivery", "retention", "stranded-keys", "replay", "stats-fold"
        }) {
      assertThat(scheduler.getTrigger(TriggerKey.triggerKey(sweep, "rms"))).isNotNull();
    }
    assertThat(
            jdbc.queryForObject(
                "select count(*) from qrtz_triggers where sched_name = 'rms' and trigger_group = 'rms'",
                Integer.class))
        .isEqualTo(6);
  }

  @Test
  void firingTheRedeliveryJobPublishesADueDelivery() throws Exception {
    try (BrokerProbe queue = queue("cart.delayed")) {
      queue.purge();
      UUID id = sendDueInAnHour().id();
      jdbc.update(
          "update delivery set next_attempt_at = now() - interval '1 second' where message_id = ?",
          id);

      scheduler.triggerJob(JobKey.jobKey("redelivery", "rms"));

      var received = queue.next(Duration.ofSeconds(15));
      assertThat(received).as("the job ran the sweep").isNotNull();
      assertThat(received.getProps().getMessageId()).isEqualTo(id.toString());
      Await.until(
          Duration.ofSeconds(10),
          "PUBLISHED",
          () ->
              "PUBLISHED"
                  .equals(
                      jdbc.queryForObject(
                          "select status from delivery where message_id = ?", String.class, id)));
    }
  }
}
