package io.rms.producer;

import java.time.Instant;
import java.util.UUID;

/**
 * The service asks whether the local transaction of a PREPARED message committed (docs/design.md
 * §8).
 *
 * @param messageId the message
 * @param producerMessageId its idempotency key
 * @param topic its topic
 * @param businessKey its business key
 * @param preparedAt when the service stored it
 * @param checkCount how many times it has been checked back before
 */
public record CheckBackRequest(
    UUID messageId,
    String producerMessageId,
    String topic,
    String businessKey,
    Instant preparedAt,
    int checkCount) {}
