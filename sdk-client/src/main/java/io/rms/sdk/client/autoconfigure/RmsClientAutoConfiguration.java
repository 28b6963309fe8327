package io.rms.sdk.client.autoconfigure;

import io.rms.sdk.client.ResilientRmsClient;
import io.rms.sdk.client.RmsClientProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

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
}
