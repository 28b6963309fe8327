package io.rms.producer.internal;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/** Deletes log rows older than the retention, in bounded batches, every {@code interval}. */
public final class PreparedLogCleaner implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(PreparedLogCleaner.class);
  private static final int BATCH = 1000;
  private static final int MAX_BATCHES_PER_RUN = 100;

  private final PreparedLog preparedLog;
  private final Duration retention;
  private final Duration interval;
  private ScheduledExecutorService scheduler;

  public PreparedLogCleaner(PreparedLog preparedLog, Duration retention, Duration interval) {
    this.preparedLog = preparedLog;
    this.retention = retention;
    this.interval = interval;
  }

  /** One cleaning run; returns the rows deleted. */
  public int cleanOnce() {
    int total = 0;
    for (int i = 0; i < MAX_BATCHES_PER_RUN; i++) {
      int n = preparedLog.deleteOlderThan(retention, BATCH);
      total += n;
      if (n < BATCH) {
        break;
      }
    }
    return total;
  }

  @Override
  public synchronized void start() {
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "rms-producer-log-cleaner");
              t.setDaemon(true);
              return t;
            });
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            cleanOnce();
          } catch (RuntimeException e) {
            log.warn("cleaning rms_producer_log failed; next try in {}", interval, e);
          }
        },
        interval.toMillis(),
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return scheduler != null;
  }
}
