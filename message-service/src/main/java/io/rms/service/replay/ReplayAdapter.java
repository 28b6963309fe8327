package io.rms.service.replay;

import io.rms.recovery.ReplayPort;
import org.springframework.stereotype.Component;

/** The replay port: {@link ReplaySteps} advances each running replay by one paced step. */
@Component
class ReplayAdapter implements ReplayPort {
  private final ReplaySteps steps;

  ReplayAdapter(ReplaySteps steps) {
    this.steps = steps;
  }

  @Override
  public int advanceReplays() {
    return steps.advanceAll();
  }
}
