package io.rms.service.recovery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.rms.service.config.RmsProperties;
import java.util.ArrayList;
import java.util.List;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Puts a sweep's trigger that Quartz left in {@code ERROR} back to work. Quartz marks a trigger
 * {@code ERROR} when it cannot load the trigger's job, which a database that fails over at that
 * moment causes; such a trigger never fires again by itself, so its sweep would stop on every
 * instance until a restart. Every {@code rms.recovery.trigger-repair-interval} an instance that
 * runs jobs resets the sweeps' triggers found in {@code ERROR} (counted by {@code
 * rms_sweep_triggers_repaired_total} and logged).
 */
@Component
class TriggerRepair {
  private static final Logger log = LoggerFactory.getLogger(TriggerRepair.class);

  private final Scheduler scheduler;
  private final boolean runsJobs;
  private final Counter repaired;

  TriggerRepair(Scheduler scheduler, RmsProperties properties, MeterRegistry meters) {
    this.scheduler = scheduler;
    this.runsJobs = properties.role().runsJobs();
    this.repaired =
        Counter.builder("rms.sweep.triggers.repaired")
            .description("Sweep triggers found in Quartz's ERROR state and reset")
            .register(meters);
  }

  @Scheduled(
      fixedDelayString = "${rms.recovery.trigger-repair-interval:30s}",
      initialDelayString = "${rms.recovery.trigger-repair-interval:30s}")
  void scheduled() {
    try {
      repair();
    } catch (SchedulerException | RuntimeException e) {
      log.warn("cannot check the sweeps' triggers now: {}", e.toString());
    }
  }

  /** Resets the sweeps' triggers that are in ERROR; answers their keys. */
  List<TriggerKey> repair() throws SchedulerException {
    List<TriggerKey> reset = new ArrayList<>();
    if (!runsJobs || !scheduler.isStarted()) {
      return reset;
    }
    for (TriggerKey key :
        scheduler.getTriggerKeys(GroupMatcher.triggerGroupEquals(RecoverySchedule.GROUP))) {
      if (scheduler.getTriggerState(key) == Trigger.TriggerState.ERROR) {
        scheduler.resetTriggerFromErrorState(key);
        repaired.increment();
        log.warn("sweep trigger {} was in Quartz's ERROR state; reset it", key);
        reset.add(key);
      }
    }
    return reset;
  }
}
