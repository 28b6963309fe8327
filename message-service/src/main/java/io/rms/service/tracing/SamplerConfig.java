package io.rms.service.tracing;

import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenTelemetry sampler in place of Spring Boot's: with {@code rms.tracing.enabled=false}
 * nothing is recorded (Boot's HTTP observations then make only non-recording spans, which store no
 * attributes and export nothing); else a trace started here is recorded with {@code
 * rms.tracing.sampling-probability} and a continued one as its caller decided.
 */
@Configuration(proxyBeanMethods = false)
class SamplerConfig {

  @Bean
  Sampler otelSampler(TracingProperties properties) {
    if (!properties.enabled()) {
      return Sampler.alwaysOff();
    }
    return Sampler.parentBased(Sampler.traceIdRatioBased(properties.samplingProbability()));
  }
}
