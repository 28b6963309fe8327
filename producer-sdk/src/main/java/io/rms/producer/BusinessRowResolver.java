package io.rms.producer;

import io.rms.api.Decision;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;

/**
 * A check-back answer from the application's own business rows, for an application that runs
 * without the SDK's prepared-message log (docs/sdk.md, "Answering from your own data"):
 *
 * <ul>
 *   <li>{@code committed} finds the row that only this message's transaction writes → COMMIT;
 *   <li>it does not, and the message is older than {@code transactionTimeout} → ROLLBACK;
 *   <li>otherwise UNKNOWN: the transaction may still be running, its row not yet visible (the
 *       service asks again later).
 * </ul>
 *
 * <p>The age is taken <em>before</em> the row is read. Read first, a transaction committing just
 * after the read and before the timeout would be answered ROLLBACK once the clock passed it.
 *
 * <p>{@code transactionTimeout} must be a real bound: the longest a transaction that sent a message
 * can still commit after its prepare, plus the clock skew between the service and this application.
 * Unlike the log's answer, nothing here stops a transaction that overruns it.
 */
public final class BusinessRowResolver implements CheckBackResolver {
  private final Predicate<CheckBackRequest> committed;
  private final Duration transactionTimeout;
  private final Clock clock;

  /**
   * @param committed true when the business row of the request's transaction is there (read
   *     committed data, e.g. a plain {@code select} outside any transaction)
   * @param transactionTimeout the longest the transaction may commit after its prepare
   * @param clock the application's clock
   */
  public BusinessRowResolver(
      Predicate<CheckBackRequest> committed, Duration transactionTimeout, Clock clock) {
    this.committed = committed;
    this.transactionTimeout = transactionTimeout;
    this.clock = clock;
  }

  @Override
  public Decision resolve(CheckBackRequest request) {
    Instant now = clock.instant();
    boolean ended = request.olderThan(transactionTimeout, now);
    if (committed.test(request)) {
      return Decision.COMMIT;
    }
    return ended ? Decision.ROLLBACK : Decision.UNKNOWN;
  }
}
