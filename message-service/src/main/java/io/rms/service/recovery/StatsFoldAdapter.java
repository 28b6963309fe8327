package io.rms.service.recovery;

import io.rms.recovery.StatsFoldPort;
import io.rms.service.message.StatsRollup;
import java.time.Duration;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** The stats-fold port: one fold of {@link StatsRollup} per transaction. */
@Component
class StatsFoldAdapter implements StatsFoldPort {
  private final StatsRollup rollup;

  StatsFoldAdapter(StatsRollup rollup) {
    this.rollup = rollup;
  }

  @Override
  @Transactional
  public long fold(Duration lag, int limit) {
    return rollup.fold(lag, limit);
  }
}
