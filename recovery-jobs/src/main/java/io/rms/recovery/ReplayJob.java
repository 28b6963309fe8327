package io.rms.recovery;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/** Runs the {@link ReplaySweep} on its schedule; never two at once in the cluster. */
@DisallowConcurrentExecution
public class ReplayJob implements Job {
  private final ReplaySweep sweep;

  public ReplayJob(ReplaySweep sweep) {
    this.sweep = sweep;
  }

  @Override
  public void execute(JobExecutionContext context) {
    sweep.run();
  }
}
