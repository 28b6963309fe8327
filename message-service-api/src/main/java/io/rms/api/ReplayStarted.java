package io.rms.api;

/**
 * The answer to a replay request (202): the replay's id, how many messages it selected and its
 * state ({@code RUNNING}, {@code DONE}; {@code DRY_RUN} for a dry run, whose id is null).
 */
public record ReplayStarted(String replayId, int selected, String status) {}
