package io.rms.recovery;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/** Runs the {@link RetentionSweep} on its schedule; never two at once in the cluster. */
@DisallowConcurrentExecution
public class RetentionJob implements Job {
  private final RetentionSweep sweep;

  public RetentionJob(RetentionSweep sweep) {
    this.sweep = sweep;
  }

  @Override
  public void execute(JobExecutionContext context) {
    sweep.run();
  }
}
