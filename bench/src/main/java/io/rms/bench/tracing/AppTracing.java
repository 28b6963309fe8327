package io.rms.bench.tracing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tracing of the bench's producer and consumer apps. Their class path has Micrometer Tracing with
 * the OpenTelemetry bridge and the OTLP exporter (what a traced application has), but by default
 * the OpenTelemetry auto-configuration is excluded: Spring Boot then makes {@code Tracer.NOOP}, the
 * SDKs run with {@code SdkTracing.NONE} and the default rows measure what they measured before the
 * dependencies came. A tracing lever puts it back with every trace sampled, exporting over
 * OTLP/HTTP to the harness's {@code TraceSink} or recording spans without an exporter.
 */
public final class AppTracing {

  /** The OpenTelemetry auto-configurations the apps exclude while tracing is off. */
  static final List<String> AUTO_CONFIGURATIONS =
      List.of(
          "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration",
          "org.springframework.boot.opentelemetry.autoconfigure.logging"
              + ".OpenTelemetryLoggingAutoConfiguration",
          "org.springframework.boot.opentelemetry.autoconfigure.logging.otlp"
              + ".OtlpLoggingAutoConfiguration",
          "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure"
              + ".OpenTelemetryTracingAutoConfiguration",
          "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.otlp"
              + ".OtlpTracingAutoConfiguration");

  private AppTracing() {}

  /** The apps' default properties for tracing: off. */
  public static Map<String, Object> off() {
    return Map.of(
        "spring.autoconfigure.exclude",
        String.join(",", AUTO_CONFIGURATIONS),
        "management.tracing.export.enabled",
        "false");
  }

  /**
   * An app's properties with tracing on: every trace it starts sampled, W3C propagation, and the
   * spans exported to {@code otlpEndpoint} (null: recorded, then dropped, as no exporter is made).
   * {@code name} is the {@code service.name} its spans carry.
   */
  public static Map<String, String> on(String name, String otlpEndpoint) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("spring.application.name", name);
    p.put("spring.autoconfigure.exclude", "");
    p.put("management.tracing.export.enabled", "true");
    p.put("management.tracing.sampling.probability", "1.0");
    if (otlpEndpoint == null) {
      p.put("management.tracing.export.otlp.enabled", "false");
    } else {
      p.put("management.opentelemetry.tracing.export.otlp.endpoint", otlpEndpoint);
    }
    return p;
  }
}
