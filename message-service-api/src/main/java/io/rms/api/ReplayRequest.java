package io.rms.api;

import java.time.Instant;

/**
 * An operator's request to deliver a subscription's window of history again: the messages of its
 * topic confirmed in [{@code from}, {@code to}) and still within retention, optionally only those
 * with {@code businessKey}, only those whose delivery on the subscription is in {@code status}
 * (ACKED, DISCARDED or DEAD), at most {@code limit}.
 *
 * @param replayId an idempotency key (1 to 140 of {@code [A-Za-z0-9._:-]}): the same id again
 *     answers the same replay and delivers nothing twice; without one the service makes an id
 * @param dryRun answer only how many messages the replay would select; nothing changes
 */
public record ReplayRequest(
    Instant from,
    Instant to,
    String replayId,
    String businessKey,
    DeliveryStatus status,
    Integer limit,
    Boolean dryRun) {

  /** Every message confirmed in the window. */
  public static ReplayRequest window(Instant from, Instant to) {
    return new ReplayRequest(from, to, null, null, null, null, null);
  }
}
