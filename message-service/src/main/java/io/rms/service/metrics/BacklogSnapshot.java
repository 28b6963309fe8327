package io.rms.service.metrics;

import java.util.Map;

/**
 * One reading of the backlog, taken by {@link BacklogQuery}.
 *
 * @param messages messages per non-final status (every one present, zero when none)
 * @param deliveries per subscription, SCHEDULED, PUBLISHED and DEAD deliveries (zero when none)
 * @param oldestPreparedSeconds age of the oldest PREPARED message, 0 when there is none
 * @param oldestUnackedSeconds per subscription, how long its oldest due SCHEDULED or PUBLISHED
 *     delivery has waited for its ack (0 when none)
 * @param parkedKeys per ordered subscription, the ordering keys a DEAD delivery holds back
 * @param waitingTooLong per ordered subscription, the ordering keys whose oldest WAITING delivery
 *     has waited longer than the threshold
 */
record BacklogSnapshot(
    Map<String, Long> messages,
    Map<String, Map<String, Long>> deliveries,
    double oldestPreparedSeconds,
    Map<String, Double> oldestUnackedSeconds,
    Map<String, Long> parkedKeys,
    Map<String, Long> waitingTooLong) {

  static final BacklogSnapshot EMPTY =
      new BacklogSnapshot(Map.of(), Map.of(), 0, Map.of(), Map.of(), Map.of());
}
