package io.rms.producer.internal;

import io.rms.api.Decision;
import io.rms.producer.CheckBackRequest;
import io.rms.producer.CheckBackResolver;
import java.time.Clock;
import java.time.Duration;

/**
 * The default check-back answer, from the {@link PreparedLog}: a committed row → COMMIT; no row and
 * the message older than the local transaction timeout → ROLLBACK (made final by a tombstone, so a
 * straggling transaction can no longer commit); otherwise UNKNOWN.
 */
public final class PreparedLogResolver implements CheckBackResolver {
  private final PreparedLog log;
  private final Duration transactionTimeout;
  private final Duration lockWait;
  private final Clock clock;

  public PreparedLogResolver(
      PreparedLog log, Duration transactionTimeout, Duration lockWait, Clock clock) {
    this.log = log;
    this.transactionTimeout = transactionTimeout;
    this.lockWait = lockWait;
    this.clock = clock;
  }

  @Override
  public Decision resolve(CheckBackRequest request) {
    var known = log.outcome(request.messageId());
    if (known.isPresent()) {
      return decision(known.get());
    }
    if (!request.olderThan(transactionTimeout, clock.instant())) {
      return Decision.UNKNOWN;
    }
    return log.declareRolledBack(request.messageId(), request.topic(), lockWait)
        .map(PreparedLogResolver::decision)
        .orElse(Decision.UNKNOWN);
  }

  private static Decision decision(PreparedLog.Outcome outcome) {
    return outcome == PreparedLog.Outcome.COMMITTED ? Decision.COMMIT : Decision.ROLLBACK;
  }
}
