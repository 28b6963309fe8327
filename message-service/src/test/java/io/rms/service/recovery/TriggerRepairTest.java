package io.rms.service.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.testing.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.quartz.Scheduler;
import org.quartz.Trigger;
import org.quartz.TriggerKey;
import org.springframework.beans.factory.annotation.Autowired;

/** A sweep trigger left in Quartz's ERROR state (a failover while it fired) is put back to work. */
class TriggerRepairTest extends IntegrationTest {
  @Autowired Scheduler scheduler;
  @Autowired TriggerRepair repair;

  @Test
  void aSweepTriggerInErrorIsResetAndHealthyOnesAreLeftAlone() throws Exception {
    TriggerKey retention = TriggerKey.triggerKey("retention", RecoverySchedule.GROUP);
    assertThat(repair.repair()).as("nothing to repair").isEmpty();
    jdbc.update(
        "update qrtz_triggers set trigger_state = 'ERROR'"
            + " where sched_name = 'rms' and trigger_group = 'rms' and trigger_name = 'retention'");
    assertThat(scheduler.getTriggerState(retention)).isEqualTo(Trigger.TriggerState.ERROR);

    assertThat(repair.repair()).containsExactly(retention);
    assertThat(scheduler.getTriggerState(retention)).isNotEqualTo(Trigger.TriggerState.ERROR);
    assertThat(
            scheduler.getTriggerState(TriggerKey.triggerKey("redelivery", RecoverySchedule.GROUP)))
        .isNotEqualTo(Trigger.TriggerState.ERROR);
    assertThat(repair.repair()).isEmpty();
  }
}
