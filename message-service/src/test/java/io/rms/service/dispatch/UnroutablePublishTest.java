package io.rms.service.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.PublishFailures;
import io.rms.service.testing.TestInfra;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A publish the broker cannot route (the subscription's queue was deleted behind the service's
 * back) is returned; RabbitMQ returns it and then acks it, and the service must not take that ack
 * as success.
 */
class UnroutablePublishTest extends IntegrationTest {

  @Test
  void aReturnedPublishIsNotMarkedPublished() throws Exception {
    TestInfra infra = TestInfra.get();
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(infra.amqpHost);
    factory.setPort(infra.amqpPort);
    try (Connection c = factory.newConnection();
        Channel channel = c.createChannel()) {
      channel.queueDelete(infra.queuePrefix + "cart.unroutable");
    }
    UUID id = as("orders").send("order.unroutable", "payload", 1).id();
    Map<String, Object> delivery = PublishFailures.awaitRecorded(jdbc, id, Duration.ofSeconds(10));
    assertThat(delivery.get("status")).isEqualTo("SCHEDULED");
    assertThat(delivery.get("attempts")).isEqualTo(0);
    assertThat((String) delivery.get("last_error")).containsAnyOf("returned", "nacked");
  }
}
