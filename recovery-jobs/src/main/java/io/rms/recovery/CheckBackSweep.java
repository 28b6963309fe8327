package io.rms.recovery;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks back PREPARED messages whose producer neither confirmed nor cancelled in time: claims a
 * bounded batch, asks the producers concurrently, and applies each answer: COMMIT confirms,
 * ROLLBACK cancels, anything else asks again after the backoff until {@code maxChecks}, then parks
 * the message IN_DOUBT.
 *
 * <p>Each app is asked through at most {@code perAppConcurrency} lanes, one message after another
 * in each lane, so a slow app occupies at most that many threads and every claimed message is asked
 * in the run. (Submitting every message at once made all but {@code perAppConcurrency} of an app's
 * messages bounce off its bulkhead, so a backlog drained at {@code perAppConcurrency} per sweep
 * interval.) A lane that reaches a message after half the lease has passed postpones it instead, so
 * no message is asked after its claim may have run out.
 */
public final class CheckBackSweep {
  /** The sweep's name in metrics. */
  public static final String NAME = "check-back";

  private static final Logger log = LoggerFactory.getLogger(CheckBackSweep.class);

  private final CheckBackPort port;
  private final CheckBackClient client;
  private final CheckBackPolicy policy;
  private final Executor callers;
  private final SweepMeter meter;
  private final Clock clock;

  public CheckBackSweep(
      CheckBackPort port,
      CheckBackClient client,
      CheckBackPolicy policy,
      Executor callers,
      SweepMeter meter,
      Clock clock) {
    this.port = port;
    this.client = client;
    this.policy = policy;
    this.callers = callers;
    this.meter = meter;
    this.clock = clock;
  }

  /** One run; returns how many messages it claimed. */
  public int run() {
    return meter.measure(NAME, this::sweep);
  }

  private int sweep() {
    List<PreparedMessage> due = port.claimDue(policy.batchSize(), policy.lease());
    Instant askUntil = clock.instant().plus(policy.lease().dividedBy(2));
    Map<String, List<PreparedMessage>> byApp = new LinkedHashMap<>();
    for (PreparedMessage message : due) {
      byApp.computeIfAbsent(message.app(), a -> new ArrayList<>()).add(message);
    }
    List<CompletableFuture<Void>> lanes = new ArrayList<>();
    for (List<PreparedMessage> messages : byApp.values()) {
      int width = Math.min(policy.perAppConcurrency(), messages.size());
      for (int lane = 0; lane < width; lane++) {
        List<PreparedMessage> mine = new ArrayList<>();
        for (int i = lane; i < messages.size(); i += width) {
          mine.add(messages.get(i));
        }
        lanes.add(CompletableFuture.runAsync(() -> askInTurn(mine, askUntil), callers));
      }
    }
    CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).join();
    return due.size();
  }

  private void askInTurn(List<PreparedMessage> lane, Instant askUntil) {
    for (PreparedMessage message : lane) {
      if (clock.instant().isAfter(askUntil)) {
        postpone(message);
      } else {
        checkOne(message);
      }
    }
  }

  private void postpone(PreparedMessage message) {
    try {
      port.postpone(message, policy.postpone());
    } catch (RuntimeException e) {
      log.warn("postponing the check-back of message {} failed: {}", message.id(), e.toString());
    }
  }

  private void checkOne(PreparedMessage message) {
    try {
      apply(message, client.check(message));
    } catch (RuntimeException e) {
      // the lease expires and another run checks the message again
      log.warn("check-back of message {} failed to record: {}", message.id(), e.toString());
    }
  }

  /** Applies one answer to one message (the policy). */
  void apply(PreparedMessage message, CheckAnswer answer) {
    count(message, answer);
    int checks = message.checkCount() + 1;
    switch (answer.verdict()) {
      case COMMIT -> port.commit(message, answer);
      case ROLLBACK -> port.rollback(message, answer);
      case UNKNOWN, ERROR -> {
        if (policy.exhausted(checks)) {
          port.park(message, answer);
        } else {
          port.retryLater(message, answer, policy.backoff().delay(checks));
        }
      }
      case NOT_CALLED -> port.postpone(message, policy.postpone());
    }
  }

  private void count(PreparedMessage message, CheckAnswer answer) {
    if (answer.verdict() == CheckAnswer.Verdict.NOT_CALLED) {
      return;
    }
    MeterRegistry registry = meter.registry();
    registry
        .counter(
            "rms.checkback.outcomes", "app", message.app(), "decision", answer.verdict().name())
        .increment();
  }
}
