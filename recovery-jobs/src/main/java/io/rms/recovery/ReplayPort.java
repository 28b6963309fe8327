package io.rms.recovery;

/**
 * The replay sweep's view of the running replays (an operator's window of history delivered again,
 * or a new subscription's backfill).
 */
public interface ReplayPort {

  /**
   * Advances every running replay by one step, as far as its pace allows since its last step: each
   * step claims its replay so that no two instances handle the same items, and moves the replay's
   * position by compare-and-set. Returns how many selected messages the steps handled.
   */
  int advanceReplays();
}
