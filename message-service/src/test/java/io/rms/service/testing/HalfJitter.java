package io.rms.service.testing;

import io.rms.service.config.Jitter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * Backoff waits in the tests are exactly half their ceiling: predictable, not zero. The service's
 * component scan finds this class on the test class path, so every test context has it.
 */
@Configuration(proxyBeanMethods = false)
public class HalfJitter {

  @Bean
  @Primary
  Jitter fixedJitter() {
    return () -> 0.5;
  }
}
