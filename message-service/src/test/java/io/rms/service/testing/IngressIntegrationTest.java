package io.rms.service.testing;

import io.rms.testsupport.SettableClock;
import java.time.Instant;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.TestPropertySource;

/**
 * The service as it runs behind an ingress: forwarded headers are trusted from {@link #INGRESS}
 * only (connect from there with {@link ProxiedClient}); small login allowances (a user name fails 3
 * times freely, a client address 5, then 30 s locks that double); a clock the tests move. The
 * subclasses share this one context.
 */
@TestPropertySource(
    properties = {
      "server.tomcat.remoteip.internal-proxies=127.0.0.2/32",
      "rms.dashboard.login.user-free-failures=3",
      "rms.dashboard.login.client-free-failures=5",
      "rms.dashboard.login.first-lock=30s",
      "rms.dashboard.login.max-lock=5m"
    })
@Import(IngressIntegrationTest.MovableClock.class)
public abstract class IngressIntegrationTest extends IntegrationTest {
  /** The ingress controller's address: the only trusted proxy. */
  public static final String INGRESS = "127.0.0.2";

  /** Any other address in front of the service, e.g. another pod. */
  public static final String ELSEWHERE = "127.0.0.1";

  @TestConfiguration(proxyBeanMethods = false)
  static class MovableClock {
    @Bean
    @Primary
    SettableClock movableClock() {
      return new SettableClock(Instant.now());
    }
  }
}
