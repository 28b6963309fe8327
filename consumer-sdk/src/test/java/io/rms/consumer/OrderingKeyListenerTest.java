package io.rms.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.consumer.autoconfigure.ConsumerAutoConfiguration;
import io.rms.consumer.internal.DeliveryProcessor;
import io.rms.consumer.internal.ListenerContainers;
import io.rms.sdk.client.autoconfigure.RmsClientAutoConfiguration;
import io.rms.service.testing.Api;
import io.rms.service.testing.Await;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.TestInfra;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The listener of an ordered subscription against the running service, real PostgreSQL and broker:
 * keys whose hash codes collide are handled at the same time, and no per-key state is left behind.
 */
class OrderingKeyListenerTest extends IntegrationTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static ConfigurableApplicationContext consumer;

  /** The payload. */
  public record Step(String name) {}

  /** Two listener threads; a "meet" message's handler waits until another one runs beside it. */
  public static class MeetingListener {
    final CyclicBarrier meeting = new CyclicBarrier(2);
    final Queue<String> met = new ConcurrentLinkedQueue<>();
    final Queue<String> handled = new ConcurrentLinkedQueue<>();

    @ReliableMessageListener(subscription = "cart.ordered", concurrency = 2)
    public void onStep(Step step, MessageMetadata meta) {
      if (step.name().startsWith("meet")) {
        try {
          meeting.await(10, TimeUnit.SECONDS);
          met.add(meta.orderingKey());
        } catch (Exception e) {
          // no other handler ran beside this one: not met
        }
      }
      handled.add(meta.orderingKey() + "/" + step.name());
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({
    DataSourceAutoConfiguration.class,
    DataSourceTransactionManagerAutoConfiguration.class,
    RabbitAutoConfiguration.class,
    JacksonAutoConfiguration.class,
    RmsClientAutoConfiguration.class,
    ConsumerAutoConfiguration.class
  })
  static class ConsumerApp {
    @Bean
    MeetingListener meetingListener() {
      return new MeetingListener();
    }
  }

  @BeforeEach
  void startConsumer() {
    if (consumer != null) {
      return;
    }
    TestInfra infra = TestInfra.get();
    queue("cart.ordered").close(); // registers the queue for deletion at exit
    consumer =
        new SpringApplicationBuilder(ConsumerApp.class)
            .web(WebApplicationType.NONE)
            .properties(
                "spring.config.name=consumer-keys-test",
                "spring.datasource.url=" + infra.newDatabase("consumer_keys"),
                "spring.datasource.username=postgres",
                "spring.datasource.password=",
                "spring.rabbitmq.host=" + infra.amqpHost,
                "spring.rabbitmq.port=" + infra.amqpPort,
                "spring.rabbitmq.username=guest",
                "spring.rabbitmq.password=guest",
                "rms.client.base-url=http://127.0.0.1:" + port,
                "rms.client.api-key=cart-key",
                "rms.consumer.queue-prefix=" + infra.queuePrefix,
                // one unacked delivery per listener thread: the second key goes to the second one
                "rms.consumer.prefetch=1",
                "rms.consumer.ack-max-delay=100ms")
            .run();
  }

  @AfterAll
  static void stopConsumer() {
    if (consumer != null) {
      consumer.close();
      consumer = null;
    }
  }

  private UUID send(String key, String step) {
    Api.Response r =
        as("orders").send("order.ordered", "orderingKey", key, "payload", Map.of("name", step));
    assertThat(r.status()).isEqualTo(201);
    return r.id();
  }

  private boolean acked(List<UUID> ids) {
    return jdbc.queryForObject(
            """
            select count(*) from delivery
             where subscription = 'cart.ordered' and status = 'ACKED'
               and message_id = any(?::uuid[])
            """,
            Long.class,
            (Object) ids.toArray(UUID[]::new))
        == ids.size();
  }

  @Test
  void keysWhoseHashCodesCollideAreHandledAtTheSameTimeAndLeaveNoState() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String aa = run + "-Aa";
    String bb = run + "-BB";
    assertThat(aa.hashCode()).as("the keys collide").isEqualTo(bb.hashCode());

    List<UUID> ids = List.of(send(aa, "meet"), send(bb, "meet"), send(aa, "2"), send(bb, "2"));
    Await.until(WAIT, "all acked on cart.ordered", () -> acked(ids));

    MeetingListener listener = consumer.getBean(MeetingListener.class);
    assertThat(listener.met).as("both handlers ran at once").containsExactlyInAnyOrder(aa, bb);
    assertThat(listener.handled.stream().filter(h -> h.startsWith(aa)))
        .containsExactly(aa + "/meet", aa + "/2");
    assertThat(listener.handled.stream().filter(h -> h.startsWith(bb)))
        .containsExactly(bb + "/meet", bb + "/2");
    DeliveryProcessor processor =
        (DeliveryProcessor)
            consumer.getBean(ListenerContainers.class).containers().get(0).getMessageListener();
    // the last turn ends just after its ack is queued
    Await.until(
        Duration.ofSeconds(5), "no per-key entry left", () -> processor.keysInFlight() == 0);
  }
}
