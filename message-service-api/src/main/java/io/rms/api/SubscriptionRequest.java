package io.rms.api;

/**
 * The settings of a subscription to create ({@code POST}: {@code name}, {@code topic} and {@code
 * app} are required, a missing setting takes its default) or to change ({@code PATCH}: {@code name}
 * must be absent or the path's name, a missing setting keeps its value).
 *
 * @param queue the RabbitMQ queue; blank or missing on create: {@code <queue prefix><name>}
 * @param ackTimeoutSeconds how long a published delivery may stay unacked (default 60, at least 1)
 * @param maxAttempts attempts before a delivery is DEAD (default 10, at least 1)
 * @param backoffInitialSeconds the first redelivery delay (default 5)
 * @param backoffMultiplier the delay's growth per attempt (default 2.0, at least 1)
 * @param backoffMaxSeconds the longest delay (default 600, at least the initial delay)
 * @param ordered FIFO per ordering key (default false)
 * @param active on create only (default true); use activate and deactivate to change it
 * @param delivery {@code amqp} (default: the consumer reads the queue), {@code push} (the service
 *     POSTs each delivery to {@code push.url}) or {@code pull} (the consumer leases deliveries over
 *     HTTP)
 * @param push the push target and limits; required (with its url) for {@code delivery: push}
 */
public record SubscriptionRequest(
    String name,
    String topic,
    String app,
    String queue,
    Long ackTimeoutSeconds,
    Integer maxAttempts,
    Long backoffInitialSeconds,
    Double backoffMultiplier,
    Long backoffMaxSeconds,
    Boolean ordered,
    Boolean active,
    String delivery,
    PushOptions push) {}
