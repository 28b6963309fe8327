package io.rms.service.embedded;

import org.springframework.core.env.Environment;

/**
 * Which engines embedded mode starts, decided from the configuration before anything starts. The
 * embedded engines and the demo apps belong to the zero-configuration start only: with neither
 * {@code spring.datasource.url} nor a broker ({@code spring.rabbitmq.host} or {@code
 * spring.rabbitmq.addresses}) both start; with both set none does; with one of the two set the
 * service refuses to start, naming the missing setting, so that a half-configured deployment never
 * runs on an in-memory broker or writes demo apps into a real database. {@code
 * rms.embedded.enabled=true} starts whatever is missing (development against one real engine);
 * {@code rms.embedded.enabled=false} never starts an engine, so both must be set.
 *
 * @param database start embedded PostgreSQL
 * @param broker start the embedded AMQP broker
 */
record EmbeddedMode(boolean database, boolean broker) {
  static final String ENABLED = "rms.embedded.enabled";

  /** True when at least one engine (and with it the demo apps) starts. */
  boolean active() {
    return database || broker;
  }

  /**
   * The mode the environment asks for; a half configuration is an {@link IllegalStateException}.
   */
  static EmbeddedMode of(Environment env) {
    boolean hasDatabase = env.containsProperty("spring.datasource.url");
    boolean hasBroker =
        env.containsProperty("spring.rabbitmq.host")
            || env.containsProperty("spring.rabbitmq.addresses");
    String enabled = env.getProperty(ENABLED, "").trim();
    if (!enabled.isEmpty()
        && !enabled.equalsIgnoreCase("true")
        && !enabled.equalsIgnoreCase("false")) {
      throw new IllegalStateException(ENABLED + " must be true or false, not '" + enabled + "'");
    }
    if (enabled.equalsIgnoreCase("true") || (enabled.isEmpty() && !hasDatabase && !hasBroker)) {
      return new EmbeddedMode(!hasDatabase, !hasBroker);
    }
    if (hasDatabase && hasBroker) {
      return new EmbeddedMode(false, false);
    }
    throw new IllegalStateException(refusal(hasDatabase, hasBroker, enabled.isEmpty()));
  }

  private static String refusal(boolean hasDatabase, boolean hasBroker, boolean automatic) {
    String missing =
        !hasDatabase && !hasBroker
            ? "spring.datasource.url and spring.rabbitmq.host (or spring.rabbitmq.addresses) are"
                + " not set"
            : !hasDatabase
                ? "spring.rabbitmq.host is set but spring.datasource.url is not"
                : "spring.datasource.url is set but spring.rabbitmq.host (or"
                    + " spring.rabbitmq.addresses) is not";
    return "Refusing to start: "
        + missing
        + (automatic
            ? ". Configure both the database and the broker (the embedded engines and demo apps"
                + " start only when neither is configured), or set "
                + ENABLED
                + "=true to run the missing one embedded for development."
            : " and " + ENABLED + "=false forbids the embedded engines.");
  }
}
