package io.rms.recovery;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks back PREPARED messages whose producer neither confirmed nor cancelled in time: claims a
 * bounded batch, asks the producers concurrently (one slow app occupies at most its bulkhead's
 * threads), and applies each answer: COMMIT confirms, ROLLBACK cancels, anything else asks again
 * after the backoff until {@code maxChecks}, then parks the message IN_DOUBT.
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

  public CheckBackSweep(
      CheckBackPort port,
      CheckBackClient client,
      CheckBackPolicy policy,
      Executor callers,
      SweepMeter meter) {
    this.port = port;
    this.client = client;
    this.policy = policy;
    this.callers = callers;
    this.meter = meter;
  }

  /** One run; returns how many messages it claimed. */
  public int run() {
    return meter.measure(NAME, this::sweep);
  }

  private int sweep() {
    List<PreparedMessage> due = port.claimDue(policy.batchSize(), policy.lease());
    List<CompletableFuture<Void>> calls = new ArrayList<>(due.size());
    for (PreparedMessage message : due) {
      calls.add(CompletableFuture.runAsync(() -> checkOne(message), callers));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
    return due.size();
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
