package io.rms.recovery;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/** Runs the {@link StrandedKeySweep} on its schedule; never two at once in the cluster. */
@DisallowConcurrentExecution
public class StrandedKeyJob implements Job {
  private final StrandedKeySweep sweep;

  public StrandedKeyJob(StrandedKeySweep sweep) {
    this.sweep = sweep;
  }

  @Override
  public void execute(JobExecutionContext context) {
    sweep.run();
  }
}
