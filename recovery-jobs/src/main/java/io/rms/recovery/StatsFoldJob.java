package io.rms.recovery;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/** Runs the {@link StatsFoldSweep} on its schedule; never two at once in the cluster. */
@DisallowConcurrentExecution
public class StatsFoldJob implements Job {
  private final StatsFoldSweep sweep;

  public StatsFoldJob(StatsFoldSweep sweep) {
    this.sweep = sweep;
  }

  @Override
  public void execute(JobExecutionContext context) {
    sweep.run();
  }
}
