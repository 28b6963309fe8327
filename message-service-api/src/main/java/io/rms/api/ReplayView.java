package io.rms.api;

import java.time.Instant;

/**
 * A replay (or a subscription's backfill) with its progress.
 *
 * @param kind {@code REPLAY} (an operator's) or {@code BACKFILL} (a new subscription's history)
 * @param state {@code RUNNING} or {@code DONE}
 * @param selected how many messages it selected when it started
 * @param replayed deliveries given a fresh cycle so far
 * @param skipped selected messages it left alone: their delivery was in flight, or the message was
 *     gone (retention) or not confirmed
 * @param progress the share of the selection handled, 0 to 1
 * @param startedBy the actor who started it ({@code operator:<app>}, {@code user:<name>}, {@code
 *     system} for a configured backfill)
 */
public record ReplayView(
    String replayId,
    String subscription,
    String kind,
    Instant from,
    Instant to,
    String businessKey,
    DeliveryStatus status,
    Integer limit,
    String state,
    int selected,
    int replayed,
    int skipped,
    double progress,
    String startedBy,
    Instant startedAt,
    Instant finishedAt) {}
