package io.rms.service.config;

import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The injected clock and backoff jitter. Deadlines are computed by the database ({@code now()});
 * the clock serves ids and computations that need no agreement between replicas.
 */
@Configuration(proxyBeanMethods = false)
class ClockConfig {

  @Bean
  @ConditionalOnMissingBean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  @ConditionalOnMissingBean
  Jitter jitter() {
    return Jitter.random();
  }
}
