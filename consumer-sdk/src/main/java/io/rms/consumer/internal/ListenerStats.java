package io.rms.consumer.internal;

import java.util.concurrent.atomic.AtomicLong;

/** Counts of what the listeners did with their deliveries (for logs, tests and dashboards). */
public final class ListenerStats {
  private final AtomicLong processed = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong failedRetry = new AtomicLong();
  private final AtomicLong failedFinal = new AtomicLong();
  private final AtomicLong interrupted = new AtomicLong();

  void record(DeliveryProcessor.Outcome outcome) {
    switch (outcome) {
      case PROCESSED -> processed.incrementAndGet();
      case DUPLICATE -> duplicates.incrementAndGet();
      case FAILED_RETRY -> failedRetry.incrementAndGet();
      case FAILED_FINAL -> failedFinal.incrementAndGet();
      case NOT_AN_RMS_MESSAGE -> failedFinal.incrementAndGet();
      case INTERRUPTED -> interrupted.incrementAndGet();
    }
  }

  /** Deliveries whose handler ran and committed. */
  public long processed() {
    return processed.get();
  }

  /** Deliveries skipped because the inbox already had them. */
  public long duplicates() {
    return duplicates.get();
  }

  /** Handler failures reported to the service for retry. */
  public long failedRetry() {
    return failedRetry.get();
  }

  /** Failures reported without retry (and deliveries that were not the service's). */
  public long failedFinal() {
    return failedFinal.get();
  }

  /** Deliveries left to the service's redelivery because the listener stopped while they waited. */
  public long interrupted() {
    return interrupted.get();
  }

  @Override
  public String toString() {
    return "processed="
        + processed
        + " duplicates="
        + duplicates
        + " failedRetry="
        + failedRetry
        + " failedFinal="
        + failedFinal
        + " interrupted="
        + interrupted;
  }
}
