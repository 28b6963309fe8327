package io.rms.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.quartz.DisallowConcurrentExecution;

class JobsTest {

  @Test
  void everyJobForbidsConcurrentRunsInTheCluster() {
    for (Class<?> job :
        List.of(
            CheckBackJob.class,
            RedeliveryJob.class,
            RetentionJob.class,
            StrandedKeyJob.class,
            StatsFoldJob.class)) {
      assertThat(job.isAnnotationPresent(DisallowConcurrentExecution.class))
          .as(job.getName())
          .isTrue();
    }
  }

  @Test
  void aJobRunsItsSweepOnce() {
    AtomicInteger runs = new AtomicInteger();
    RetentionSweep sweep =
        new RetentionSweep(
            (age, limit) -> {
              runs.incrementAndGet();
              return 0;
            },
            Duration.ofDays(1),
            10,
            5,
            new SweepMeter(new SimpleMeterRegistry(), Clock.systemUTC()));
    new RetentionJob(sweep).execute(null);
    assertThat(runs).hasValue(1);
  }
}
