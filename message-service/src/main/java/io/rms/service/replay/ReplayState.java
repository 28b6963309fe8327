package io.rms.service.replay;

/**
 * A replay's state. {@code RUNNING → DONE} is its only transition, taken by the step that handles
 * the last selected message (or at once when the selection is empty), as a compare-and-set on the
 * replay's position.
 */
public enum ReplayState {
  /** Selected messages remain; the sweep advances it at the paced rate. */
  RUNNING,
  /** Every selected message was given a fresh cycle or skipped. */
  DONE
}
