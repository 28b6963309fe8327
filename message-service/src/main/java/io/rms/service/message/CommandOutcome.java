package io.rms.service.message;

/** What a command finds when it meets an entity in some state. */
public enum CommandOutcome {
  /** The transition is legal: apply it (compare-and-set). */
  APPLY,
  /** The command's effect is already there: answer success, change nothing. */
  ALREADY_DONE,
  /** The state contradicts the command: refuse with 409 and record it. */
  CONFLICT
}
