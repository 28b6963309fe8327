package io.rms.service.tracing;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code rms.tracing.*} (docs/tracing.md). The trace context of messages is stored and forwarded
 * whatever these say; they decide whether the service records and exports spans of its own.
 *
 * @param enabled records spans and exports them over OTLP (application.yaml maps this onto Spring
 *     Boot's {@code management.tracing.export.enabled}); off by default
 * @param otlpEndpoint where spans go (OTLP over HTTP, protobuf), e.g. {@code
 *     http://otel-collector:4318/v1/traces}
 * @param samplingProbability share of traces started here that are recorded (a caller's sampled
 *     flag decides for the traces it started)
 * @param viewerUrl a trace viewer's URL with {@code {traceId}} in it, e.g. {@code
 *     https://jaeger.example/trace/{traceId}}: the dashboard links a message's trace id there;
 *     empty shows the id without a link; anything but an http(s) URL stops the start
 */
@ConfigurationProperties("rms.tracing")
public record TracingProperties(
    @DefaultValue("false") boolean enabled,
    @DefaultValue("http://localhost:4318/v1/traces") String otlpEndpoint,
    @DefaultValue("1.0") double samplingProbability,
    @DefaultValue("") String viewerUrl) {

  public TracingProperties {
    if (viewerUrl != null
        && !viewerUrl.isBlank()
        && !(viewerUrl.startsWith("https://") || viewerUrl.startsWith("http://"))) {
      throw new IllegalArgumentException(
          "rms.tracing.viewer-url must be an http(s) URL with {traceId} in it: " + viewerUrl);
    }
  }

  /** The viewer link of a trace, or null when no viewer is configured or there is no trace. */
  public String viewerLink(String traceId) {
    if (traceId == null || viewerUrl == null || viewerUrl.isBlank()) {
      return null;
    }
    return viewerUrl.replace("{traceId}", traceId);
  }
}
