package io.rms.service.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.rms.service.config.RmsProperties;
import io.rms.service.embedded.EmbeddedBroker;
import io.rms.service.testing.TestInfra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The queue arguments {@link QueueDeclarer} declares ({@code rms.broker.queue-type}, {@code
 * rms.broker.classic-queue-version}), against the real RabbitMQ and the embedded broker: a classic
 * version 2 queue; an existing queue of another version kept, with a warning, while the others are
 * declared; the embedded broker refused at start.
 */
@ExtendWith(OutputCaptureExtension.class)
class QueueDeclarerTest {
  private CachingConnectionFactory connections;

  @AfterEach
  void close() {
    if (connections != null) {
      connections.destroy();
    }
  }

  private static RmsProperties.Broker broker(String type, Integer version) {
    return new RmsProperties.Broker("rms.sub.", type, version);
  }

  private static RmsProperties properties(RmsProperties.Broker broker) {
    Map<String, String> settings = new java.util.HashMap<>();
    settings.put("rms.broker.queue-type", broker.queueType());
    if (broker.classicQueueVersion() != null) {
      settings.put("rms.broker.classic-queue-version", broker.classicQueueVersion().toString());
    }
    return new Binder(new MapConfigurationPropertySource(settings))
        .bindOrCreate("rms", RmsProperties.class);
  }

  private static SubscriptionInfo subscription(String queue) {
    return new SubscriptionInfo(
        queue,
        "t",
        "a",
        queue,
        Duration.ofSeconds(30),
        3,
        null,
        false,
        true,
        DeliveryMode.AMQP,
        null,
        null,
        null);
  }

  private static Registry registry(String... queues) {
    List<SubscriptionInfo> subscriptions =
        java.util.Arrays.stream(queues).map(QueueDeclarerTest::subscription).toList();
    return new Registry(null, null, null) {
      @Override
      public Collection<SubscriptionInfo> subscriptions() {
        return subscriptions;
      }
    };
  }

  private QueueDeclarer declarer(int port, Integer version, String... queues) {
    connections = new CachingConnectionFactory("127.0.0.1", port);
    return new QueueDeclarer(connections, registry(queues), properties(broker("classic", version)));
  }

  private static TestInfra realBroker() {
    TestInfra infra = TestInfra.get();
    assumeTrue(infra.real, "needs the real RabbitMQ");
    return infra;
  }

  private static String newQueue(TestInfra infra) {
    String queue = infra.queuePrefix + "declarer-" + UUID.randomUUID().toString().substring(0, 8);
    infra.deleteAtExit(queue);
    return queue;
  }

  @FunctionalInterface
  private interface BrokerWork {
    void run(Channel channel) throws Exception;
  }

  /** Runs {@code work} on a channel of its own; false if the broker closed it (a refusal). */
  private static boolean broker(TestInfra infra, BrokerWork work) throws Exception {
    com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
    factory.setHost(infra.amqpHost);
    factory.setPort(infra.amqpPort);
    try (Connection c = factory.newConnection()) {
      Channel ch = c.createChannel();
      try {
        work.run(ch);
        ch.close();
        return true;
      } catch (java.io.IOException refused) {
        return false;
      }
    }
  }

  /** True if the queue exists with exactly these arguments (a redeclaration is equivalent). */
  private static boolean declaredWith(TestInfra infra, String queue, Map<String, Object> args)
      throws Exception {
    return broker(infra, ch -> ch.queueDeclare(queue, true, false, false, args));
  }

  @Test
  void classicQueueVersionTwoIsDeclaredAsAnArgument() throws Exception {
    TestInfra infra = realBroker();
    String queue = newQueue(infra);
    declarer(infra.amqpPort, 2, queue).afterSingletonsInstantiated();
    assertThat(declaredWith(infra, queue, Map.of("x-queue-version", 2))).isTrue();
    assertThat(declaredWith(infra, queue, Map.of())).as("not a plain queue").isFalse();
  }

  @Test
  void withoutAVersionTheQueueHasNoArguments() throws Exception {
    TestInfra infra = realBroker();
    String queue = newQueue(infra);
    declarer(infra.amqpPort, null, queue).afterSingletonsInstantiated();
    assertThat(declaredWith(infra, queue, Map.of())).isTrue();
  }

  @Test
  void anExistingQueueOfAnotherVersionIsKeptWithAWarningAndTheOthersAreDeclared(
      CapturedOutput output) throws Exception {
    TestInfra infra = realBroker();
    String old = newQueue(infra);
    String fresh = newQueue(infra);
    // declared by a service without the setting, and holding a message
    assertThat(
            broker(
                infra,
                ch -> {
                  ch.queueDeclare(old, true, false, false, null);
                  ch.basicPublish("", old, null, "waiting".getBytes());
                }))
        .isTrue();

    QueueDeclarer declarer = declarer(infra.amqpPort, 2, old, fresh);
    declarer.afterSingletonsInstantiated();
    declarer.declareAll(); // as on a registry change: the same again, no failure

    assertThat(declaredWith(infra, old, Map.of())).as("kept as it was").isTrue();
    int[] waiting = new int[1];
    broker(infra, ch -> waiting[0] = ch.queueDeclarePassive(old).getMessageCount());
    assertThat(waiting[0]).as("its message still there").isEqualTo(1);
    assertThat(declaredWith(infra, fresh, Map.of("x-queue-version", 2))).isTrue();
    assertThat(output.getOut())
        .contains("queue " + old + " exists with other arguments")
        .contains("inequivalent arg 'x-queue-version'")
        .contains("policy with queue-version");
  }

  @Test
  void theEmbeddedBrokerIsRefusedAtStart() throws Exception {
    Path dir = Files.createTempDirectory("rms-declarer-");
    int port = TestInfra.freePort();
    try (EmbeddedBroker embedded = EmbeddedBroker.start(dir.resolve("broker"), port)) {
      QueueDeclarer declarer = declarer(embedded.port(), 2, "rms.sub.embedded");
      assertThatThrownBy(declarer::afterSingletonsInstantiated)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("rms.broker.classic-queue-version=2 needs RabbitMQ 3.10 or later")
          .hasMessageContaining("embedded broker");
      connections.destroy();
      connections = null;
    }
  }

  @Test
  void settingsThatCannotWorkAreRefused() {
    assertThatThrownBy(() -> new QueueArguments(broker("classic", 3)))
        .hasMessageContaining("must be 1 or 2");
    assertThatThrownBy(() -> new QueueArguments(broker("quorum", 2)))
        .hasMessageContaining("applies to classic queues");
    assertThat(new QueueArguments(broker("quorum", null)).arguments())
        .containsExactly(Map.entry("x-queue-type", "quorum"));
    QueueArguments v2 = new QueueArguments(broker("classic", 2));
    assertThat(v2.refusal(Map.of("product", "RabbitMQ", "version", "3.10.8"))).isNull();
    assertThat(v2.refusal(Map.of("product", "RabbitMQ", "version", "4.1.0"))).isNull();
    assertThat(v2.refusal(Map.of("product", "RabbitMQ", "version", "3.9.29")))
        .contains("needs RabbitMQ 3.10 or later, but the broker is RabbitMQ 3.9.29");
    assertThat(new QueueArguments(broker("classic", null)).refusal(Map.of())).isNull();
  }
}
