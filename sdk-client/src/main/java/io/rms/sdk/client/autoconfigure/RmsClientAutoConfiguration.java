package io.rms.sdk.client.autoconfigure;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.rms.sdk.client.MicrometerSdkTracing;
import io.rms.sdk.client.ResilientRmsClient;
import io.rms.sdk.client.RmsClientProperties;
import io.rms.sdk.client.SdkTracing;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The service client of both SDKs, when {@code rms.client.base-url} is set. */
@AutoConfiguration
@ConditionalOnProperty(prefix = "rms.client", name = "base-url")
@EnableConfigurationProperties(RmsClientProperties.class)
public class RmsClientAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  ResilientRmsClient resilientRmsClient(RmsClientProperties properties) {
    return ResilientRmsClient.create(properties);
  }

  /**
   * Trace context through the SDKs when the application has Micrometer Tracing (a {@code Tracer}
   * and a {@code Propagator} bean, as Spring Boot's tracing auto-configuration makes); the SDKs
   * fall back to {@link SdkTracing#NONE} without it.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.tracing.Tracer")
  static class Tracing {

    @Bean
    @ConditionalOnMissingBean
    SdkTracing rmsSdkTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
      Tracer t = tracer.getIfAvailable();
      Propagator p = propagator.getIfAvailable();
      return t == null || p == null || t == Tracer.NOOP
          ? SdkTracing.NONE
          : new MicrometerSdkTracing(t, p);
    }
  }
}
