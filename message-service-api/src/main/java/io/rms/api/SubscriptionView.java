package io.rms.api;

/**
 * A subscription as the admin API shows it: its settings and whether it is active.
 *
 * @param queue the RabbitMQ queue its deliveries are published to
 * @param ordered FIFO per ordering key: a message is delivered only after the earlier messages of
 *     its key are acked or discarded on this subscription
 * @param active an inactive subscription gets no deliveries of newly confirmed messages
 * @param configured declared in the service's configuration ({@code rms.subscriptions}): a restart
 *     applies that declaration again over changes made through the API or the dashboard
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
    boolean configured) {}
