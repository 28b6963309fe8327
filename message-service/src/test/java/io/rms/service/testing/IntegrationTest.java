package io.rms.service.testing;

import io.rms.service.RmsApplication;
import java.time.Duration;
import java.time.Instant;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests: the whole service on random ports (API and management) against
 * {@link TestInfra} (real PostgreSQL and RabbitMQ in CI), with the apps and subscriptions of {@code
 * application-itest.yaml}. All subclasses share one application context.
 *
 * <p>Apps (key = id + "-key"): {@code orders} and {@code billing} produce; {@code cart} and {@code
 * audit} consume; {@code ops} is an operator. Topics: {@code order.created} → {@code
 * cart.order-created}; {@code order.fanout} → {@code cart.fanout} and {@code audit.fanout}; {@code
 * order.orphan} has no subscription.
 */
@SpringBootTest(
    classes = RmsApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("itest")
public abstract class IntegrationTest {
  @LocalServerPort protected int port;
  @LocalManagementPort protected int managementPort;
  @Autowired protected JdbcTemplate jdbc;

  @DynamicPropertySource
  static void infrastructure(DynamicPropertyRegistry registry) {
    register(registry, TestInfra.get());
  }

  /** Points a context at the test infrastructure. */
  public static void register(DynamicPropertyRegistry registry, TestInfra infra) {
    registry.add("spring.datasource.url", () -> infra.jdbcUrl);
    registry.add("spring.datasource.username", () -> "postgres");
    registry.add("spring.datasource.password", () -> "");
    registry.add("spring.rabbitmq.host", () -> infra.amqpHost);
    registry.add("spring.rabbitmq.port", () -> infra.amqpPort);
    registry.add("spring.rabbitmq.username", () -> "guest");
    registry.add("spring.rabbitmq.password", () -> "guest");
    registry.add("rms.broker.queue-prefix", () -> infra.queuePrefix);
    oidc(registry, FakeOidcProvider.get());
  }

  /** The dashboard's optional OIDC login, against the tests' fake provider. */
  private static void oidc(DynamicPropertyRegistry registry, FakeOidcProvider provider) {
    String registration = "spring.security.oauth2.client.registration.fake.";
    registry.add(registration + "client-id", () -> "rms-dashboard");
    registry.add(registration + "client-secret", () -> "fake-secret");
    registry.add(registration + "client-name", () -> "Fake IdP");
    registry.add(registration + "scope", () -> "openid,profile");
    registry.add(registration + "authorization-grant-type", () -> "authorization_code");
    registry.add(
        registration + "redirect-uri",
        () -> "{baseUrl}/dashboard/login/oauth2/code/{registrationId}");
    String details = "spring.security.oauth2.client.provider.fake.";
    registry.add(details + "authorization-uri", () -> provider.url() + "/authorize");
    registry.add(details + "token-uri", () -> provider.url() + "/token");
    registry.add(details + "jwk-set-uri", () -> provider.url() + "/jwks");
    registry.add(details + "user-name-attribute", () -> "sub");
  }

  /**
   * Moves every unfinished delivery's next attempt a day ahead, so that other tests' deliveries do
   * not become due while a test runs the redelivery sweep (their redeliveries would land in the
   * queues it reads).
   */
  protected void parkUnfinishedDeliveries() {
    jdbc.update(
        """
        update delivery set next_attempt_at = now() + interval '1 day'
         where status in ('SCHEDULED', 'PUBLISHED')
        """);
  }

  /**
   * Orders sends a message to order.delayed (subscription cart.delayed) that is due in an hour: no
   * sweep publishes it while a test runs unless the test makes it due.
   */
  protected Api.Response sendDueInAnHour() {
    return as("orders")
        .send(
            "order.delayed",
            "payload",
            "{}",
            "deliverAfter",
            Instant.now().plus(Duration.ofHours(1)).toString());
  }

  /** An HTTP client for the given app (key = app id + "-key"). */
  protected Api as(String app) {
    return new Api(port, app + "-key");
  }

  /** A consumer of a subscription's queue on the test broker. */
  protected BrokerProbe queue(String subscription) {
    TestInfra infra = TestInfra.get();
    String queue = infra.queuePrefix + subscription;
    infra.deleteAtExit(queue);
    return new BrokerProbe(infra.amqpHost, infra.amqpPort, queue);
  }
}
