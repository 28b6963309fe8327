package io.rms.recovery;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/** Runs the {@link CheckBackSweep} on its schedule; never two at once in the cluster. */
@DisallowConcurrentExecution
public class CheckBackJob implements Job {
  private final CheckBackSweep sweep;

  public CheckBackJob(CheckBackSweep sweep) {
    this.sweep = sweep;
  }

  @Override
  public void execute(JobExecutionContext context) {
    sweep.run();
  }
}
