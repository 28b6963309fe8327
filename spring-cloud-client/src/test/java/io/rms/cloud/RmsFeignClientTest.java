package io.rms.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rms.api.ErrorCode;
import io.rms.api.MessageStatus;
import io.rms.api.MessageView;
import io.rms.api.PrepareMessageRequest;
import io.rms.api.RmsApiException;
import io.rms.service.RmsApplication;
import io.rms.service.testing.ServiceArgs;
import io.rms.service.testing.TestInfra;
import io.rms.testsupport.RegistryArgs;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot application with Spring Cloud OpenFeign gets {@link RmsFeignClient} injected and
 * calls the live service (real PostgreSQL and RabbitMQ): by service name through Spring Cloud
 * LoadBalancer and a discovery client, or at a fixed URL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RmsFeignClientTest {
  private ConfigurableApplicationContext service;
  private int port;

  /**
   * The user's application: nothing of its own, Spring Cloud OpenFeign on the class path (the
   * service's stack, on this test's class path too, is left out).
   */
  @SpringBootConfiguration
  @EnableAutoConfiguration(
      excludeName = {
        "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
        "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
        "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
        "org.springframework.boot.quartz.autoconfigure.QuartzAutoConfiguration"
      })
  static class UserApplication {}

  @BeforeAll
  void startService() {
    TestInfra infra = TestInfra.get();
    port = TestInfra.freePort();
    service =
        RmsApplication.application()
            .run(
                ServiceArgs.on(infra)
                    .with(
                        new RegistryArgs()
                            .app("shop", "shop-key", "order.created")
                            .app("cart", "cart-key")
                            .subscription("cart.order-created", "order.created", "cart")
                            .and(
                                "--server.port=" + port,
                                "--spring.datasource.hikari.maximum-pool-size=5",
                                "--logging.level.root=WARN")));
    infra.deleteAtExit(infra.queuePrefix + "cart.order-created");
  }

  @AfterAll
  void stopService() {
    if (service != null) {
      service.close();
    }
  }

  private ConfigurableApplicationContext userApplication(String... properties) {
    return new SpringApplicationBuilder(UserApplication.class)
        .web(WebApplicationType.NONE)
        // its own config name: the service's application.yaml is on this class path too
        .run(
            java.util.stream.Stream.concat(
                    java.util.stream.Stream.of("spring.config.name=user-app"),
                    java.util.Arrays.stream(properties))
                .map(p -> "--" + p)
                .toArray(String[]::new));
  }

  private static void prepareConfirmGet(RmsFeignClient rms) {
    String key = "feign-" + UUID.randomUUID();
    MessageView prepared =
        rms.prepare(
            PrepareMessageRequest.of("order.created", Map.of("orderId", 42))
                .withProducerMessageId(key));
    assertThat(prepared.status()).isEqualTo(MessageStatus.PREPARED);
    assertThat(
            rms.prepare(
                    PrepareMessageRequest.of("order.created", Map.of("orderId", 42))
                        .withProducerMessageId(key))
                .id())
        .as("an idempotent repeat answers the same message")
        .isEqualTo(prepared.id());
    assertThat(rms.confirm(prepared.id()).status()).isEqualTo(MessageStatus.CONFIRMED);
    MessageView read = rms.get(prepared.id());
    assertThat(read.status()).isIn(MessageStatus.CONFIRMED, MessageStatus.DELIVERED);
    assertThat(read.deliveries()).extracting(d -> d.subscription()).contains("cart.order-created");
    assertThatThrownBy(() -> rms.cancel(prepared.id()))
        .isInstanceOfSatisfying(
            RmsApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.code()).isEqualTo(ErrorCode.ILLEGAL_TRANSITION);
            });
  }

  @Test
  void theClientFindsTheServiceByNameThroughDiscoveryAndLoadBalancer() {
    try (ConfigurableApplicationContext app =
        userApplication(
            "rms.client.service-id=rms",
            "rms.client.api-key=shop-key",
            "spring.cloud.discovery.client.simple.instances.rms[0].uri=http://127.0.0.1:" + port)) {
      prepareConfirmGet(app.getBean(RmsFeignClient.class));
    }
  }

  @Test
  void theClientCallsTheServiceAtAFixedUrl() {
    try (ConfigurableApplicationContext app =
        userApplication(
            "rms.client.base-url=http://127.0.0.1:" + port, "rms.client.api-key=shop-key")) {
      prepareConfirmGet(app.getBean(RmsFeignClient.class));
    }
  }

  @Test
  void aWrongKeyIsAnUnauthenticatedProblem() {
    try (ConfigurableApplicationContext app =
        userApplication(
            "rms.client.base-url=http://127.0.0.1:" + port, "rms.client.api-key=not-a-key")) {
      assertThatThrownBy(() -> app.getBean(RmsFeignClient.class).stats())
          .isInstanceOfSatisfying(
              RmsApiException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    }
  }

  @Test
  void theClientCanBeTurnedOff() {
    try (ConfigurableApplicationContext app =
        userApplication("rms.client.feign.enabled=false", "rms.client.api-key=shop-key")) {
      assertThat(app.getBeanNamesForType(RmsFeignClient.class)).isEmpty();
    }
  }
}
