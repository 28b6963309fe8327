package io.rms.service.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.testing.Api.Response;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.PublishFailures;
import io.rms.service.testing.TestInfra;
import io.rms.testsupport.TcpProxy;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The broker is unreachable (its connections cut by a proxy) while producers confirm: confirm still
 * succeeds, the delivery stays SCHEDULED with the reason recorded, no attempt is consumed, and
 * nothing is marked PUBLISHED.
 */
class BrokerDownTest extends IntegrationTest {
  private static final TcpProxy PROXY =
      new TcpProxy("amqp", TestInfra.get().amqpHost, TestInfra.get().amqpPort);

  @DynamicPropertySource
  static void throughProxy(DynamicPropertyRegistry registry) {
    // addresses take precedence over the host/port the base class registers
    registry.add("spring.rabbitmq.addresses", () -> "127.0.0.1:" + PROXY.port());
  }

  @AfterAll
  static void closeProxy() {
    PROXY.close();
  }

  @Test
  void confirmSucceedsWhileTheBrokerIsDownAndTheDeliveryStaysScheduled() {
    PROXY.cut();
    try {
      Response sent = as("orders").send("order.created", "payload", 1);
      assertThat(sent.status()).isEqualTo(201);
      assertThat(sent.text("status")).isEqualTo("CONFIRMED");

      UUID prepared = as("orders").prepare("order.created", "payload", 2).id();
      Response confirmed = as("orders").post("/api/v1/messages/" + prepared + "/confirm");
      assertThat(confirmed.status()).isEqualTo(200);

      for (UUID id : new UUID[] {sent.id(), prepared}) {
        Map<String, Object> delivery =
            PublishFailures.awaitRecorded(jdbc, id, Duration.ofSeconds(15));
        assertThat(delivery.get("status")).isEqualTo("SCHEDULED");
        assertThat(delivery.get("attempts")).isEqualTo(0);
        assertThat(delivery.get("published_at")).isNull();
        assertThat((String) delivery.get("last_error")).contains("broker unreachable");
        assertThat(
                jdbc.queryForObject(
                    "select count(*) from message_event where message_id = ? and type = 'PUBLISH_FAILED'",
                    Integer.class,
                    id))
            .isEqualTo(1);
        assertThat(as("orders").get("/api/v1/messages/" + id).text("status"))
            .isEqualTo("CONFIRMED");
      }
    } finally {
      PROXY.heal();
    }
  }
}
