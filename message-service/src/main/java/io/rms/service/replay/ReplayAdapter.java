package io.rms.service.replay;

import io.rms.recovery.ReplayPort;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * The replay port: {@link ReplaySteps} advances each running replay by one paced step, and, while
 * replays run, again every {@code rms.replay.burst} for the rest of the sweep's tick (at most
 * {@link #MAX_SPREAD} of it). A step spends at most one burst of pace, so at the defaults (100/s,
 * 100 ms) a replay hands ten deliveries to the subscription's queue every 100 ms rather than a
 * hundred at once each second, and the live messages behind them wait for ten, not a hundred. The
 * replay job runs on one replica at a time ({@code @DisallowConcurrentExecution}); it holds one of
 * the scheduler's threads for the tick only while a replay runs.
 */
@Component
class ReplayAdapter implements ReplayPort {
  /** The longest a sweep run keeps stepping, whatever the tick. */
  static final Duration MAX_SPREAD = Duration.ofSeconds(1);

  private final ReplaySteps steps;
  private final long spreadNanos;
  private final long periodNanos;

  ReplayAdapter(ReplaySteps steps, ReplayProperties properties) {
    this.steps = steps;
    Duration spread = properties.tick().compareTo(MAX_SPREAD) < 0 ? properties.tick() : MAX_SPREAD;
    this.spreadNanos = spread.minus(properties.burst()).toNanos();
    this.periodNanos = Math.max(1_000_000L, properties.burst().toNanos() / 2);
  }

  @Override
  public int advanceReplays() {
    long end = System.nanoTime() + spreadNanos;
    int handled = steps.advanceAll();
    while (System.nanoTime() + periodNanos <= end && steps.running()) {
      try {
        Thread.sleep(periodNanos / 1_000_000L, (int) (periodNanos % 1_000_000L));
      } catch (InterruptedException e) {
        // the scheduler is shutting down: the next run (on any replica) goes on from the cursor
        Thread.currentThread().interrupt();
        break;
      }
      handled += steps.advanceAll();
    }
    return handled;
  }
}
