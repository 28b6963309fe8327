package io.rms.service.registry;

import java.util.Locale;

/**
 * How a subscription's deliveries reach its consumer (docs/design.md §10). Every mode keeps the
 * same delivery state machine, attempts, backoff, DEAD, discard and ordering: only the last hop
 * differs.
 */
public enum DeliveryMode {
  /** Published to the subscription's RabbitMQ queue; the consumer reads it. */
  AMQP,
  /** Published to the queue; the service's push workers POST each delivery to the push URL. */
  PUSH,
  /** Never published; the consumer leases deliveries over HTTP. */
  PULL;

  /** The name in JSON, configuration and the database: {@code amqp}, {@code push}, {@code pull}. */
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True when the service publishes this mode's deliveries to the subscription's queue. */
  public boolean usesQueue() {
    return this != PULL;
  }

  /** The mode of a JSON or configuration name, case-insensitive; anything else is refused. */
  public static DeliveryMode parse(String name) {
    for (DeliveryMode mode : values()) {
      if (mode.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
        return mode;
      }
    }
    throw new IllegalArgumentException("delivery must be amqp, push or pull, not " + name);
  }
}
