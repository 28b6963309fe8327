package io.rms.recovery;

import java.time.Duration;

/** The retention sweep's view of the message store. */
public interface RetentionPort {

  /**
   * Deletes up to {@code limit} DELIVERED or CANCELLED messages that finished more than {@code age}
   * ago (by the database clock), with their deliveries and events. Returns how many.
   */
  int deleteFinishedOlderThan(Duration age, int limit);
}
