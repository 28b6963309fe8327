package io.rms.recovery;

import java.time.Instant;
import java.util.UUID;

/**
 * A PREPARED message claimed for a check-back.
 *
 * @param checkCount the checks already made (the compare-and-set key of every outcome)
 * @param traceparent the W3C trace context its prepare carried (the check-back call continues that
 *     trace), or null
 */
public record PreparedMessage(
    UUID id,
    String app,
    String producerMessageId,
    String topic,
    String businessKey,
    Instant preparedAt,
    int checkCount,
    String traceparent) {

  /** A message without trace context. */
  public PreparedMessage(
      UUID id,
      String app,
      String producerMessageId,
      String topic,
      String businessKey,
      Instant preparedAt,
      int checkCount) {
    this(id, app, producerMessageId, topic, businessKey, preparedAt, checkCount, null);
  }
}
