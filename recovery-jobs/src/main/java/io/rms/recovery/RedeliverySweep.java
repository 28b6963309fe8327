package io.rms.recovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redelivers: PUBLISHED deliveries past their ack deadline are rescheduled after the subscription's
 * backoff, or DEAD once their attempts are used up; SCHEDULED deliveries that are due (nacked,
 * failed publishes, delayed deliveries, lost immediate publishes) are published with the next
 * attempt number, no more than the in-flight room allows.
 */
public final class RedeliverySweep {
  /** The sweep's name in metrics. */
  public static final String NAME = "redelivery";

  private static final Logger log = LoggerFactory.getLogger(RedeliverySweep.class);

  private final RedeliveryPort port;
  private final RedeliveryPolicy policy;
  private final SweepMeter meter;

  public RedeliverySweep(RedeliveryPort port, RedeliveryPolicy policy, SweepMeter meter) {
    this.port = port;
    this.policy = policy;
    this.meter = meter;
  }

  /** One run; returns how many deliveries it timed out or published. */
  public int run() {
    return meter.measure(NAME, () -> timeOutOverdue() + publishDue());
  }

  /** Timed-out deliveries: reschedule or bury. Returns how many were claimed. */
  int timeOutOverdue() {
    List<DeliveryKey> overdue = port.claimOverdue(policy.batchSize(), policy.lease());
    List<RedeliveryPort.Retry> retries = new ArrayList<>();
    List<DeliveryKey> dead = new ArrayList<>();
    for (DeliveryKey d : overdue) {
      Optional<RedeliveryPort.DeliveryPolicy> limits = port.policy(d.subscription());
      if (limits.isEmpty()) {
        log.warn("delivery {}/{}: subscription is gone", d.messageId(), d.subscription());
        continue;
      }
      if (d.attempts() >= limits.get().maxAttempts()) {
        dead.add(d);
      } else {
        retries.add(new RedeliveryPort.Retry(d, limits.get().backoff().delay(d.attempts())));
      }
    }
    if (!retries.isEmpty()) {
      port.retryLater(retries);
    }
    if (!dead.isEmpty()) {
      port.bury(dead, "attempts exhausted: no ack after the last attempt");
    }
    return overdue.size();
  }

  /** Due deliveries: publish as many as the in-flight room allows. Returns how many. */
  int publishDue() {
    int room = Math.min(policy.batchSize(), policy.maxInFlight() - port.inFlight());
    if (room <= 0) {
      return 0;
    }
    List<DeliveryKey> due = port.claimDue(room, policy.lease());
    if (!due.isEmpty()) {
      port.publish(due);
    }
    return due.size();
  }
}
