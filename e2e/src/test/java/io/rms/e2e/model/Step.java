package io.rms.e2e.model;

import java.util.ArrayList;
import java.util.List;

/**
 * One drawn step of a run: its kind and the random numbers that parametrise it, fixed by the seed
 * before the run starts. Which message a step picks is decided when it runs ({@code pick} modulo
 * what is there), so a seed repeats the same actions, not the same interleaving of the broker's
 * deliveries. What the step did is appended as it runs ({@link #note}).
 */
final class Step {
  /** What a step does. */
  enum Kind {
    /** 1–4 messages on hot keys: send, prepare + confirm, or prepare + cancel, in parallel. */
    SEND,
    /**
     * The consumer's handler finishes up to {@code size} received copies: ack (single or batched),
     * nack with retry, nack without retry, or keeps one for later; sometimes with a SEND burst at
     * the same time.
     */
    HANDLE,
    /**
     * 8–15 sends at once on the hot keys while the handler acks everything in its inbox in two
     * batches, one per replica: crossing transactions on the same keys (group commits, acks).
     */
    BURST,
    /** Nothing for 0.3–3.5 s: ack timeouts, backoffs and redeliveries happen. */
    WAIT,
    /** The consumer's connection dies mid-handler: no REST call; the broker requeues its copies. */
    CRASH,
    /** A copy kept from before (a slow handler or one that outlived a crash) is acked or nacked. */
    LATE,
    /** A nack of a message the consumer was never handed (still WAITING behind its key). */
    STRAY_NACK,
    /** The operator discards DEAD deliveries (one, or all of the subscription). */
    DISCARD,
    /** The operator redelivers DEAD deliveries (one, or all) or a delivery in the handler. */
    REDELIVER,
    /** The subscription is deactivated, or activated again. */
    TOGGLE_ACTIVE,
    /** The subscription moves to its other topic. */
    CHANGE_TOPIC,
    /** A replica is killed with kill -9 and started again in the background. */
    KILL_REPLICA
  }

  final int index;
  final Kind kind;
  final int size;
  final long pick;
  final List<String> notes = new ArrayList<>();

  /** Logical time (History clock) when the step began. */
  long startedAt = -1;

  Step(int index, Kind kind, int size, long pick) {
    this.index = index;
    this.kind = kind;
    this.size = size;
    this.pick = pick;
  }

  synchronized void note(String what) {
    notes.add(what);
  }

  /** A random choice of this step among {@code n} things (0 when there is nothing to pick). */
  int pick(int n, int salt) {
    if (n <= 0) {
      return 0;
    }
    long h = pick * 0x9E3779B97F4A7C15L + salt * 0xBF58476D1CE4E5B9L;
    h ^= h >>> 31;
    return (int) Math.floorMod(h, (long) n);
  }

  /** A random percentage (0–99) of this step for choice number {@code salt}. */
  int percent(int salt) {
    return pick(100, salt);
  }

  @Override
  public synchronized String toString() {
    return String.format("#%03d %-13s size=%d %s", index, kind, size, String.join("; ", notes));
  }
}
