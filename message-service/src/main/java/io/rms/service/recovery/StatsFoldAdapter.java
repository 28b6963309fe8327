package io.rms.service.recovery;

import io.rms.recovery.StatsFoldPort;
import io.rms.service.message.StatsRollup;
import java.time.Duration;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** The stats-fold port: one fold of {@link StatsRollup} per transaction. */
@Component
class StatsFoldAdapter implements StatsFoldPort {
  private final StatsRollup rollup;
  private final TransactionTemplate tx;

  StatsFoldAdapter(StatsRollup rollup, TransactionTemplate tx) {
    this.rollup = rollup;
    this.tx = tx;
  }

  @Override
  public long fold(Duration lag, int limit) {
    return tx.execute(status -> rollup.fold(lag, limit));
  }
}
