package io.rms.service.registry;

import java.net.URI;
import java.time.Duration;

/**
 * Where and how fast a push subscription's deliveries are POSTed (docs/design.md §10).
 *
 * @param url the receiver, registered by an admin (never taken from a message)
 * @param timeout how long one push may take, connect to the whole answer
 * @param concurrency pushes in flight at once per subscription (a bulkhead)
 * @param rate pushes per second per subscription (a rate limiter)
 * @param pauseAfter how long the circuit may stay open before the subscription is paused
 */
public record PushSettings(
    URI url, Duration timeout, int concurrency, double rate, Duration pauseAfter) {

  /** The default timeout of a push. */
  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** The default number of pushes in flight. */
  public static final int CONCURRENCY = 4;

  /** The default pushes per second. */
  public static final double RATE = 100;

  /** The default time an open circuit may last before the subscription is paused. */
  public static final Duration PAUSE_AFTER = Duration.ofMinutes(10);

  /** The settings of a push to {@code url} with every default. */
  public static PushSettings to(URI url) {
    return new PushSettings(url, TIMEOUT, CONCURRENCY, RATE, PAUSE_AFTER);
  }
}
