package io.rms.recovery;

import java.time.Duration;
import java.util.List;

/**
 * The check-back sweep's view of the message store. Every outcome is a compare-and-set on {@code
 * status = PREPARED and check_count = message.checkCount()}, so an outcome that lost a race (the
 * producer confirmed meanwhile, another instance took over an expired lease) changes nothing; each
 * applied outcome appends a {@code CHECK_BACK} event with actor {@code system}.
 */
public interface CheckBackPort {

  /**
   * Claims up to {@code limit} PREPARED messages whose next check is due (by the database clock),
   * skipping rows other transactions hold, and leases them: their next check moves {@code lease}
   * ahead, so no other instance claims them while this one asks the producer.
   */
  List<PreparedMessage> claimDue(int limit, Duration lease);

  /** Counts the check and confirms the message (and dispatches it). False if it moved on. */
  boolean commit(PreparedMessage message, CheckAnswer answer);

  /** Counts the check and cancels the message. False if it moved on. */
  boolean rollback(PreparedMessage message, CheckAnswer answer);

  /** Counts the check and asks again after {@code delay}. False if it moved on. */
  boolean retryLater(PreparedMessage message, CheckAnswer answer, Duration delay);

  /** Counts the check and parks the message IN_DOUBT for an operator. False if it moved on. */
  boolean park(PreparedMessage message, CheckAnswer answer);

  /** The producer was not asked: shorten the lease to {@code delay}, count nothing. */
  void postpone(PreparedMessage message, Duration delay);
}
