package io.rms.api;

import java.time.Instant;

/**
 * A subscription as the admin API shows it: its settings and whether it is active.
 *
 * @param queue the RabbitMQ queue its deliveries are published to
 * @param ordered FIFO per ordering key: a message is delivered only after the earlier messages of
 *     its key are acked or discarded on this subscription
 * @param active an inactive subscription gets no deliveries of newly confirmed messages
 * @param configured declared in the service's configuration ({@code rms.subscriptions}): a restart
 *     applies that declaration again over changes made through the API or the dashboard
 * @param delivery {@code amqp}, {@code push} or {@code pull}
 * @param push the push target and limits; null unless {@code delivery} is push
 * @param paused true while paused: deliveries are collected, none is sent
 * @param pausedAt when it was paused; null while not paused
 * @param pausedBy who paused it ({@code system}: its push circuit stayed open too long)
 * @param pauseReason why it was paused
 */
public record SubscriptionView(
    String name,
    String topic,
    String app,
    String queue,
    long ackTimeoutSeconds,
    int maxAttempts,
    long backoffInitialSeconds,
    double backoffMultiplier,
    long backoffMaxSeconds,
    boolean ordered,
    boolean active,
    boolean configured,
    String delivery,
    PushOptions push,
    boolean paused,
    Instant pausedAt,
    String pausedBy,
    String pauseReason) {}
