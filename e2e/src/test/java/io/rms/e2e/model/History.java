package io.rms.e2e.model;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What happened in a run, on one logical clock: every copy the consumer received, every call that
 * could finish a delivery (ack, discard) with its start and end, and every answer that is already a
 * violation on its own (a 5xx). The {@link OrderingChecker} reads it after the run. Ticks are taken
 * before a request is sent and when a copy arrives, so a delivery released by a call always arrives
 * after that call's start.
 */
final class History {
  /** A copy of a message handed to the consumer by the broker. */
  record Arrival(
      long at, UUID id, String topic, String key, Long seq, int attempt, boolean redelivered) {}

  /** How a call that could finish a delivery ended for it. */
  enum Outcome {
    /** The call finished it (ack answered ACKED, or the discard listed it). */
    APPLIED,
    /** The ack answered ALREADY_ACKED. */
    ALREADY,
    /** Refused (4xx, NOT_FOUND): nothing changed. */
    REFUSED,
    /** No answer or a 5xx: it may or may not have changed. */
    UNKNOWN
  }

  /** What a call did to one delivery. */
  enum Call {
    ACK,
    DISCARD
  }

  /** One delivery's part of a call. */
  record Finish(UUID id, Call call, long start, long end, Outcome outcome, int step) {}

  private final AtomicLong clock = new AtomicLong();
  private final List<Arrival> arrivals = new ArrayList<>();
  private final List<Finish> finishes = new ArrayList<>();
  private final List<Violation> violations = new ArrayList<>();
  private final List<Step> steps = new ArrayList<>();

  long tick() {
    return clock.incrementAndGet();
  }

  synchronized void stepStarted(Step step) {
    step.startedAt = tick();
    steps.add(step);
  }

  synchronized Arrival arrived(
      UUID id, String topic, String key, Long seq, int attempt, boolean redelivered) {
    Arrival a = new Arrival(tick(), id, topic, key, seq, attempt, redelivered);
    arrivals.add(a);
    return a;
  }

  synchronized void finished(Finish finish) {
    finishes.add(finish);
  }

  /** A broken rule: the step it showed in, the key it concerns (or null) and what happened. */
  record Violation(int step, String key, String what) {
    @Override
    public String toString() {
      return "step " + step + (key == null ? "" : " [" + key + "]") + ": " + what;
    }
  }

  /** A violation seen by the running step (a 5xx answer). */
  synchronized void violation(String what) {
    violations.add(new Violation(currentStep(), null, what));
  }

  synchronized List<Arrival> arrivals() {
    return List.copyOf(arrivals);
  }

  synchronized List<Finish> finishes() {
    return List.copyOf(finishes);
  }

  synchronized List<Violation> violations() {
    return List.copyOf(violations);
  }

  /** The step that was running at logical time {@code at} (-1 before the first). */
  synchronized int stepAt(long at) {
    int found = -1;
    for (Step s : steps) {
      if (s.startedAt <= at) {
        found = s.index;
      }
    }
    return found;
  }

  /** The step currently running. */
  synchronized int currentStep() {
    return steps.isEmpty() ? -1 : steps.get(steps.size() - 1).index;
  }

  /** Every arrival of these ids, in time order. */
  synchronized List<Arrival> arrivalsOf(java.util.Set<UUID> ids) {
    List<Arrival> out = new ArrayList<>();
    for (Arrival a : arrivals) {
      if (ids.contains(a.id())) {
        out.add(a);
      }
    }
    return out;
  }
}
