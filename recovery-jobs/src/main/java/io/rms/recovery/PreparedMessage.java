package io.rms.recovery;

import java.time.Instant;
import java.util.UUID;

/**
 * A PREPARED message claimed for a check-back.
 *
 * @param checkCount the checks already made (the compare-and-set key of every outcome)
 */
public record PreparedMessage(
    UUID id,
    String app,
    String producerMessageId,
    String topic,
    String businessKey,
    Instant preparedAt,
    int checkCount) {}
