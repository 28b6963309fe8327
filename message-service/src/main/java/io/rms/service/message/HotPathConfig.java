package io.rms.service.message;

import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the hot path's JDBC transactions. */
@Configuration(proxyBeanMethods = false)
class HotPathConfig {
  @Bean
  HotPathTransactions hotPathTransactions(DataSource dataSource) {
    return new HotPathTransactions(dataSource);
  }
}
