package io.rms.service.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.Await;
import io.rms.service.testing.ServiceArgs;
import io.rms.service.testing.StartedService;
import io.rms.service.testing.TestInfra;
import io.rms.testsupport.TcpProxy;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A broker outage leaves the API pods in the Service: readiness follows what prepare and confirm
 * need (PostgreSQL), liveness only the process, while {@code /actuator/health} still shows the
 * broker down.
 */
class BrokerOutageProbesTest {
  private static TcpProxy broker;
  private static StartedService service;
  private static int port;
  private static int managementPort;

  @BeforeAll
  static void start() {
    TestInfra infra = TestInfra.get();
    broker = new TcpProxy("amqp", infra.amqpHost, infra.amqpPort);
    String prefix = infra.queuePrefix + "probes.";
    for (String sub :
        new String[] {
          "cart.order-created",
          "cart.fanout",
          "audit.fanout",
          "cart.delayed",
          "cart.claims",
          "cart.unroutable"
        }) {
      infra.deleteAtExit(prefix + sub);
    }
    service =
        StartedService.run(
            ServiceArgs.on(infra)
                .database(infra.newDatabase("probes"))
                .broker("127.0.0.1", broker.port())
                .queuePrefix(prefix)
                .with(
                    "--spring.profiles.active=itest",
                    "--management.endpoint.health.show-components=always"));
    port = service.port();
    managementPort = service.managementPort();
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private static Response management(String path) {
    return new Api(managementPort, null).get(path);
  }

  private static String rabbitStatus() {
    return management("/actuator/health")
        .body()
        .path("components")
        .path("rabbit")
        .path("status")
        .asString();
  }

  @Test
  void readinessAndLivenessStayUpWhileTheBrokerIsDownAndPrepareConfirmStillWork() {
    assertThat(rabbitStatus()).isEqualTo("UP");
    broker.cut();
    try {
      Await.until(
          Duration.ofSeconds(20), "broker health DOWN", () -> "DOWN".equals(rabbitStatus()));
      assertThat(management("/actuator/health").status()).isEqualTo(503);

      Response readiness = management("/actuator/health/readiness");
      assertThat(readiness.status()).as(readiness.raw()).isEqualTo(200);
      assertThat(readiness.text("status")).isEqualTo("UP");
      Response liveness = management("/actuator/health/liveness");
      assertThat(liveness.status()).as(liveness.raw()).isEqualTo(200);

      Api orders = new Api(port, "orders-key");
      Response prepared = orders.prepare("order.created", "payload", Map.of());
      assertThat(prepared.status()).as(prepared.raw()).isEqualTo(201);
      UUID id = prepared.id();
      Response confirmed = orders.post("/api/v1/messages/" + id + "/confirm");
      assertThat(confirmed.status()).as(confirmed.raw()).isEqualTo(200);
      assertThat(confirmed.text("status")).isEqualTo("CONFIRMED");
    } finally {
      broker.heal();
    }
    Await.until(
        Duration.ofSeconds(20), "broker health UP again", () -> "UP".equals(rabbitStatus()));
  }
}
