package io.rms.recovery;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/** Runs the {@link RedeliverySweep} on its schedule; never two at once in the cluster. */
@DisallowConcurrentExecution
public class RedeliveryJob implements Job {
  private final RedeliverySweep sweep;

  public RedeliveryJob(RedeliverySweep sweep) {
    this.sweep = sweep;
  }

  @Override
  public void execute(JobExecutionContext context) {
    sweep.run();
  }
}
