package io.rms.bench;

import io.rms.bench.tracing.AppTracing;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One configuration measured against the default: a label for the table, the JVM the service runs
 * on (null: the harness's own), the service's extra arguments, the producer app's and the consumer
 * app's extra properties, and whether the service and the consumer app run on that JVM with AOT
 * caches the harness trains on the run ({@link AotCaches}). Applying it restarts only what it
 * changes.
 */
record Lever(
    String label,
    Path javaHome,
    List<String> serviceArgs,
    Map<String, String> producerProperties,
    Map<String, String> consumerProperties,
    boolean trainedCaches) {

  /** The default configuration. */
  static final Lever NONE = new Lever("default", null, List.of(), Map.of());

  /** A lever without AOT caches. */
  Lever(
      String label,
      Path javaHome,
      List<String> serviceArgs,
      Map<String, String> producerProperties,
      Map<String, String> consumerProperties) {
    this(label, javaHome, serviceArgs, producerProperties, consumerProperties, false);
  }

  /** A lever that leaves the consumer app as it is. */
  Lever(
      String label,
      Path javaHome,
      List<String> serviceArgs,
      Map<String, String> producerProperties) {
    this(label, javaHome, serviceArgs, producerProperties, Map.of());
  }

  /**
   * The lever called {@code name}; {@code java25} is the JVM of the Java 25 levers, {@code
   * traceEndpoint} the OTLP/HTTP receiver the {@code tracing} lever exports to.
   */
  static Lever named(String name, Path java25, String traceEndpoint) {
    return switch (name) {
      case "tracing" -> tracing("tracing, OTLP export", traceEndpoint);
      case "tracing-no-export" -> tracing("tracing, no export", null);
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
      case "aot" ->
          new Lever(
              "service and consumer app on Java 25 with trained AOT caches, platform threads",
              java25,
              List.of("--spring.threads.virtual.enabled=false"),
              Map.of(),
              Map.of(),
              true);
      case "default" -> new Lever("default, again", null, List.of(), Map.of());
      default -> settings(name);
    };
  }

  /**
   * Tracing on in the service, the producer app and the consumer app, every trace sampled (the
   * producer app starts one per order), its spans exported to {@code endpoint}; with a null {@code
   * endpoint} the spans are recorded and dropped (no OTLP exporter), so what recording costs and
   * what exporting adds show apart.
   */
  private static Lever tracing(String label, String endpoint) {
    List<String> service = new ArrayList<>(List.of("--rms.tracing.enabled=true"));
    service.add("--rms.tracing.sampling-probability=1.0");
    if (endpoint == null) {
      service.add("--management.tracing.export.otlp.enabled=false");
    } else {
      service.add("--rms.tracing.otlp-endpoint=" + endpoint);
    }
    return new Lever(
        label,
        null,
        List.copyOf(service),
        AppTracing.on("bench-producer", endpoint),
        AppTracing.on("bench-consumer", endpoint));
  }

  /** True when the lever exports spans (to the harness's trace sink). */
  boolean exportsTraces() {
    return serviceArgs.stream().anyMatch(a -> a.startsWith("--rms.tracing.otlp-endpoint="));
  }

  /**
   * A lever given as settings joined by {@code +}, each {@code producer:<property>=<value>} for the
   * producer app, {@code consumer:<property>=<value>} for the consumer app or {@code
   * service:<property>=<value>} for the service (e.g. {@code
   * producer:rms.producer.batching.senders=1+service:rms.group-commit.enabled=false}).
   */
  private static Lever settings(String name) {
    List<String> serviceArgs = new ArrayList<>();
    Map<String, String> producerProperties = new LinkedHashMap<>();
    Map<String, String> consumerProperties = new LinkedHashMap<>();
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
        case "consumer" -> consumerProperties.put(property, value);
        case "service" -> serviceArgs.add("--" + property + "=" + value);
        default -> throw new IllegalArgumentException("unknown lever " + name);
      }
    }
    return new Lever(
        name,
        null,
        List.copyOf(serviceArgs),
        Map.copyOf(producerProperties),
        Map.copyOf(consumerProperties));
  }

  /** True when the lever changes the producer app only (the bare-API scenarios do not run one). */
  boolean producerAppOnly() {
    return javaHome == null
        && serviceArgs.isEmpty()
        && consumerProperties.isEmpty()
        && !trainedCaches
        && !producerProperties.isEmpty();
  }

  /** True when {@code other} runs the service the same way (no restart needed). */
  boolean sameService(Lever other) {
    return other != null
        && Objects.equals(javaHome, other.javaHome)
        && serviceArgs.equals(other.serviceArgs)
        && trainedCaches == other.trainedCaches;
  }

  /**
   * The service settings that change how the subscription queues are declared ({@code
   * rms.broker.*}): RabbitMQ refuses to redeclare a queue with other arguments, so a lever that
   * changes them needs queues of its own.
   */
  List<String> queueArguments() {
    return serviceArgs.stream().filter(a -> a.startsWith("--rms.broker.")).toList();
  }

  /** True when {@code other} runs the consumer app the same way (no restart needed). */
  boolean sameConsumerApp(Lever other) {
    return other != null
        && consumerProperties.equals(other.consumerProperties)
        && trainedCaches == other.trainedCaches
        && (!trainedCaches || Objects.equals(javaHome, other.javaHome));
  }

  /**
   * The JVM of {@code process} ({@link AotCaches#SERVICE} or {@link AotCaches#CONSUMER_APP}): the
   * harness's for the consumer app unless the lever trains caches; with them, {@link #javaHome} and
   * the options of the caches' current state.
   */
  Jvm jvm(String process, AotCaches caches) {
    if (trainedCaches) {
      return new Jvm(javaHome, caches.options(process));
    }
    return process.equals(AotCaches.SERVICE) ? new Jvm(javaHome, List.of()) : Jvm.HARNESS;
  }
}
