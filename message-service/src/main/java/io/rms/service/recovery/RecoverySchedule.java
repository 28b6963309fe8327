package io.rms.service.recovery;

import io.rms.recovery.CheckBackJob;
import io.rms.recovery.RedeliveryJob;
import io.rms.recovery.ReplayJob;
import io.rms.recovery.RetentionJob;
import io.rms.recovery.StatsFoldJob;
import io.rms.recovery.StrandedKeyJob;
import io.rms.service.config.RmsProperties;
import io.rms.service.replay.ReplayProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.springframework.boot.quartz.autoconfigure.SchedulerFactoryBeanCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Quartz schedule of the sweeps: one durable job per sweep in group {@code rms}, each with a
 * simple repeating trigger. The store is JDBC and clustered (see {@code spring.quartz.*} in
 * application.yaml), so each fire runs on exactly one instance, and {@code
 * DisallowConcurrentExecution} keeps a slow run from overlapping the next one anywhere in the
 * cluster. Instances whose role does not run jobs never start their scheduler: in a clustered store
 * every started scheduler would take triggers.
 *
 * <p>Misfires (the cluster was down, or a run outlasted the interval by more than the misfire
 * threshold) fire once at once and then keep the interval ({@code
 * MISFIRE_INSTRUCTION_RESCHEDULE_NOW_WITH_EXISTING_REPEAT_COUNT}): a sweep catches up on all due
 * work in one run, so replaying each missed fire would only queue empty runs, and skipping to the
 * next regular fire would delay recovery after an outage by up to an interval for nothing.
 */
@Configuration(proxyBeanMethods = false)
class RecoverySchedule {
  static final String GROUP = "rms";

  @Bean
  SchedulerFactoryBeanCustomizer schedulerOnlyInJobRoles(RmsProperties properties) {
    return factory -> {
      if (!properties.role().runsJobs()) {
        factory.setAutoStartup(false);
      }
    };
  }

  @Bean
  JobDetail checkBackJob() {
    return job(CheckBackJob.class, "check-back", "asks producers about overdue PREPARED messages");
  }

  @Bean
  JobDetail redeliveryJob() {
    return job(RedeliveryJob.class, "redelivery", "times out unacked, publishes due deliveries");
  }

  @Bean
  JobDetail retentionJob() {
    return job(RetentionJob.class, "retention", "removes old finished messages");
  }

  @Bean
  JobDetail strandedKeyJob() {
    return job(
        StrandedKeyJob.class, "stranded-keys", "releases waiting deliveries nothing is ahead of");
  }

  @Bean
  JobDetail replayJob() {
    return job(ReplayJob.class, "replay", "advances running replays at their paced rate");
  }

  @Bean
  JobDetail statsFoldJob() {
    return job(StatsFoldJob.class, "stats-fold", "adds finished rows to the stats counts");
  }

  @Bean
  Trigger checkBackTrigger(JobDetail checkBackJob, RmsProperties properties, Clock clock) {
    return every(checkBackJob, properties.recovery().interval(), clock);
  }

  @Bean
  Trigger redeliveryTrigger(JobDetail redeliveryJob, RmsProperties properties, Clock clock) {
    return every(redeliveryJob, properties.recovery().interval(), clock);
  }

  @Bean
  Trigger retentionTrigger(JobDetail retentionJob, RmsProperties properties, Clock clock) {
    return every(retentionJob, properties.recovery().retentionInterval(), clock);
  }

  @Bean
  Trigger strandedKeyTrigger(JobDetail strandedKeyJob, RmsProperties properties, Clock clock) {
    return every(strandedKeyJob, properties.recovery().interval(), clock);
  }

  @Bean
  Trigger statsFoldTrigger(JobDetail statsFoldJob, RmsProperties properties, Clock clock) {
    return every(statsFoldJob, properties.recovery().interval(), clock);
  }

  @Bean
  Trigger replayTrigger(JobDetail replayJob, ReplayProperties properties, Clock clock) {
    return every(replayJob, properties.tick(), clock);
  }

  private static JobDetail job(Class<? extends Job> type, String name, String description) {
    return JobBuilder.newJob(type)
        .withIdentity(name, GROUP)
        .withDescription(description)
        .storeDurably()
        .build();
  }

  /** Repeats forever, first one interval after start-up; fires once at once after a misfire. */
  private static Trigger every(JobDetail job, Duration interval, Clock clock) {
    return TriggerBuilder.newTrigger()
        .forJob(job)
        .withIdentity(job.getKey().getName(), GROUP)
        .startAt(Date.from(clock.instant().plus(interval)))
        .withSchedule(
            SimpleScheduleBuilder.simpleSchedule()
                .withIntervalInMilliseconds(interval.toMillis())
                .repeatForever()
                .withMisfireHandlingInstructionNowWithExistingCount())
        .build();
  }
}
