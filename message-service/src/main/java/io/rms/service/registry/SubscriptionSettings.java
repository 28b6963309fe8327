package io.rms.service.registry;

import java.time.Duration;

/**
 * Every setting of a subscription, as an admin creates or changes it (the admin API and the
 * dashboard build one each and hand it to {@link SubscriptionChanges}, which checks it).
 *
 * @param queue the RabbitMQ queue; null or blank: the queue prefix followed by the name
 * @param mode how deliveries reach the consumer
 * @param push the push target and limits; required for PUSH, ignored otherwise
 */
public record SubscriptionSettings(
    String name,
    String topic,
    String app,
    String queue,
    Duration ackTimeout,
    int maxAttempts,
    Duration backoffInitial,
    double backoffMultiplier,
    Duration backoffMax,
    boolean ordered,
    boolean active,
    DeliveryMode mode,
    PushSettings push) {

  /** The defaults of a new subscription (those of the dashboard's form and of the admin API). */
  public static SubscriptionSettings defaults(String name, String topic, String app) {
    return new SubscriptionSettings(
        name,
        topic,
        app,
        null,
        Duration.ofSeconds(60),
        10,
        Duration.ofSeconds(5),
        2.0,
        Duration.ofSeconds(600),
        false,
        true,
        DeliveryMode.AMQP,
        null);
  }

  /** The settings of a subscription as the registry holds it. */
  public static SubscriptionSettings of(SubscriptionInfo s) {
    return new SubscriptionSettings(
        s.name(),
        s.topic(),
        s.app(),
        s.queue(),
        s.ackTimeout(),
        s.maxAttempts(),
        s.backoff().initial(),
        s.backoff().multiplier(),
        s.backoff().max(),
        s.ordered(),
        s.active(),
        s.mode(),
        s.push());
  }
}
