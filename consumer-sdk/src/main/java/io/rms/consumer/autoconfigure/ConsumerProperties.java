package io.rms.consumer.autoconfigure;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The consumer SDK's settings ({@code rms.consumer.*}); the service connection is {@code
 * rms.client.*}, the broker {@code spring.rabbitmq.*}.
 *
 * @param queuePrefix the service's queue prefix ({@code rms.broker.queue-prefix} there)
 * @param prefetch unacknowledged AMQP deliveries per consumer
 * @param ackBatchSize ids per ack call to the service (at most 1,000)
 * @param ackMaxDelay the longest an ack waits for its batch to fill
 * @param initializeSchema create {@code rms_inbox} at start-up if it does not exist
 * @param inboxRetention how long inbox rows are kept; must exceed the longest redelivery horizon
 * @param cleanupInterval how often old inbox rows are deleted
 * @param amqpAckBatch AMQP deliveries acknowledged to the broker with one {@code multiple} ack (1:
 *     each on its own); at most {@code prefetch}
 * @param amqpAckMaxDelay with {@code amqpAckBatch} &gt; 1: how long a consumer waits for the next
 *     delivery, or keeps a batch open, before it acks what it processed
 */
@ConfigurationProperties("rms.consumer")
public record ConsumerProperties(
    @DefaultValue("rms.sub.") String queuePrefix,
    @DefaultValue("50") int prefetch,
    @DefaultValue("100") int ackBatchSize,
    @DefaultValue("200ms") Duration ackMaxDelay,
    @DefaultValue("true") boolean initializeSchema,
    @DefaultValue("14d") Duration inboxRetention,
    @DefaultValue("1h") Duration cleanupInterval,
    @DefaultValue("1") int amqpAckBatch,
    @DefaultValue("1s") Duration amqpAckMaxDelay) {}
