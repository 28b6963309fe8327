package io.rms.api;

/**
 * Where and how fast a push subscription's deliveries are POSTed. In a request a missing setting
 * takes its default on create, or keeps its value on change; a view shows every setting.
 *
 * @param url the receiver (http or https; checked against {@code rms.push.allowed-hosts} and the
 *     blocked addresses when registered and before every push)
 * @param timeoutSeconds how long one push may take (default 10, from 0.1 to 300)
 * @param concurrency pushes in flight at once (default 4, from 1 to 256)
 * @param rate pushes per second (default 100, above 0, at most 10,000)
 * @param pauseAfterSeconds how long the circuit may stay open before the subscription is paused
 *     (default 600)
 */
public record PushOptions(
    String url, Double timeoutSeconds, Integer concurrency, Double rate, Long pauseAfterSeconds) {}
