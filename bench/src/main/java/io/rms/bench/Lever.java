package io.rms.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One configuration measured against the default: a label for the table, the JVM the service runs
 * on (null: the harness's own), the service's extra arguments and the producer app's extra
 * properties. Applying it restarts only what it changes.
 */
record Lever(
    String label, Path javaHome, List<String> serviceArgs, Map<String, String> producerProperties) {

  /** The default configuration. */
  static final Lever NONE = new Lever("default", null, List.of(), Map.of());

  static Lever named(String name, Path java25) {
    return switch (name) {
      case "no-group-commit" ->
          new Lever("no group commit", null, List.of("--rms.group-commit.enabled=false"), Map.of());
      case "no-producer-batching" ->
          new Lever(
              "no producer batching",
              null,
              List.of(),
              Map.of("rms.producer.batching.enabled", "false"));
      case "java25" ->
          new Lever(
              "service on Java 25, platform threads",
              java25,
              List.of("--spring.threads.virtual.enabled=false"),
              Map.of());
      case "java25-virtual-threads" ->
          new Lever(
              "service on Java 25, virtual threads",
              java25,
              List.of("--spring.threads.virtual.enabled=true"),
              Map.of());
      case "default" -> new Lever("default, again", null, List.of(), Map.of());
      default -> settings(name);
    };
  }

  /**
   * A lever given as settings joined by {@code +}, each {@code producer:<property>=<value>} for the
   * producer app or {@code service:<property>=<value>} for the service (e.g. {@code
   * producer:rms.producer.batching.senders=1+service:rms.group-commit.enabled=false}).
   */
  private static Lever settings(String name) {
    List<String> serviceArgs = new ArrayList<>();
    Map<String, String> producerProperties = new LinkedHashMap<>();
    for (String setting : name.split("\\+")) {
      int colon = setting.indexOf(':');
      int equals = setting.indexOf('=');
      if (colon < 0 || equals < colon) {
        throw new IllegalArgumentException("unknown lever " + name);
      }
      String property = setting.substring(colon + 1, equals);
      String value = setting.substring(equals + 1);
      switch (setting.substring(0, colon)) {
        case "producer" -> producerProperties.put(property, value);
        case "service" -> serviceArgs.add("--" + property + "=" + value);
        default -> throw new IllegalArgumentException("unknown lever " + name);
      }
    }
    return new Lever(name, null, List.copyOf(serviceArgs), Map.copyOf(producerProperties));
  }

  /** True when {@code other} runs the service the same way (no restart needed). */
  boolean sameService(Lever other) {
    return other != null
        && Objects.equals(javaHome, other.javaHome)
        && serviceArgs.equals(other.serviceArgs);
  }
}
