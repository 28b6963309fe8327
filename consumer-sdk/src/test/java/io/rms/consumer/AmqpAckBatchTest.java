package io.rms.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.NoOpMetricsCollector;
import io.rms.consumer.autoconfigure.ConsumerAutoConfiguration;
import io.rms.consumer.internal.ListenerContainers;
import io.rms.consumer.internal.ListenerStats;
import io.rms.sdk.client.autoconfigure.RmsClientAutoConfiguration;
import io.rms.service.testing.Await;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.TestInfra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.amqp.autoconfigure.ConnectionFactoryCustomizer;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * AMQP acks of a listener against the real broker ({@code rms.consumer.amqp-ack-batch}): per
 * delivery by default; in batches, fewer ack frames, everything acked once the queue is idle, and a
 * processed delivery whose ack was still pending when the connection died is redelivered and
 * absorbed by the inbox. Each test has its own queue (filled here, not by the service) and its own
 * consumer application, whose broker client counts the deliveries and acks it sees.
 */
class AmqpAckBatchTest extends IntegrationTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String SUBSCRIPTION = "cart.order-created";

  private ConfigurableApplicationContext consumer;
  private String queue;

  /** The listener: counts its calls per message id. */
  public static class CountingListener {
    final Map<UUID, AtomicInteger> calls = new ConcurrentHashMap<>();

    @ReliableMessageListener(subscription = SUBSCRIPTION)
    public void on(String body, MessageMetadata meta) {
      calls.computeIfAbsent(meta.messageId(), id -> new AtomicInteger()).incrementAndGet();
    }
  }

  /** Deliveries and acks as the consumer's broker client sends and receives them. */
  public static class AckCounter extends NoOpMetricsCollector {
    final AtomicInteger delivered = new AtomicInteger();
    final AtomicInteger ackFrames = new AtomicInteger();
    final AtomicInteger multipleAckFrames = new AtomicInteger();
    final AtomicInteger acked = new AtomicInteger();
    private final Map<Channel, NavigableSet<Long>> unacked = new ConcurrentHashMap<>();

    @Override
    public void consumedMessage(Channel channel, long deliveryTag, String consumerTag) {
      delivered.incrementAndGet();
      unacked.computeIfAbsent(channel, c -> new ConcurrentSkipListSet<>()).add(deliveryTag);
    }

    @Override
    public void basicAck(Channel channel, long deliveryTag, boolean multiple) {
      ackFrames.incrementAndGet();
      NavigableSet<Long> tags = unacked.getOrDefault(channel, new ConcurrentSkipListSet<>());
      if (multiple) {
        multipleAckFrames.incrementAndGet();
        NavigableSet<Long> done = tags.headSet(deliveryTag, true);
        acked.addAndGet(done.size());
        done.clear();
      } else if (tags.remove(deliveryTag)) {
        acked.incrementAndGet();
      }
    }

    /** Deliveries received on channels still open and not acked yet. */
    int pending() {
      return unacked.entrySet().stream()
          .filter(e -> e.getKey().isOpen())
          .mapToInt(e -> e.getValue().size())
          .sum();
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
    CountingListener countingListener() {
      return new CountingListener();
    }

    @Bean
    AckCounter ackCounter() {
      return new AckCounter();
    }

    @Bean
    ConnectionFactoryCustomizer countAcks(AckCounter counter) {
      return factory -> factory.setMetricsCollector(counter);
    }
  }

  @AfterEach
  void stopConsumer() {
    if (consumer != null) {
      consumer.close();
      consumer = null;
    }
  }

  /** A fresh queue of the subscription under a prefix of its own. */
  private String newQueuePrefix() throws Exception {
    String prefix = "it-acks-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    queue = prefix + SUBSCRIPTION;
    TestInfra.get().deleteAtExit(queue);
    broker(ch -> ch.queueDeclare(queue, true, false, false, null));
    return prefix;
  }

  private void startConsumer(String prefix, String... settings) {
    TestInfra infra = TestInfra.get();
    List<String> properties =
        new ArrayList<>(
            List.of(
                "spring.config.name=consumer-acks-test",
                "spring.datasource.url=" + infra.newDatabase("consumer_acks"),
                "spring.datasource.username=postgres",
                "spring.datasource.password=",
                "spring.rabbitmq.host=" + infra.amqpHost,
                "spring.rabbitmq.port=" + infra.amqpPort,
                "spring.rabbitmq.username=guest",
                "spring.rabbitmq.password=guest",
                "rms.client.base-url=http://127.0.0.1:" + port,
                "rms.client.api-key=cart-key",
                "rms.consumer.queue-prefix=" + prefix));
    properties.addAll(List.of(settings));
    consumer =
        new SpringApplicationBuilder(ConsumerApp.class)
            .web(WebApplicationType.NONE)
            .properties(properties.toArray(String[]::new))
            .run();
  }

  /** Publishes {@code n} messages as the service would (the service acks of them are NOT_FOUND). */
  private List<UUID> publish(int n) throws Exception {
    List<UUID> ids = new ArrayList<>();
    broker(
        ch -> {
          for (int i = 0; i < n; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            AMQP.BasicProperties props =
                new AMQP.BasicProperties.Builder()
                    .messageId(id.toString())
                    .contentType("text/plain")
                    .deliveryMode(2)
                    .headers(Map.of("x-rms-topic", "order.created", "x-rms-attempt", 1))
                    .build();
            ch.basicPublish("", queue, props, ("m" + i).getBytes(StandardCharsets.UTF_8));
          }
        });
    return ids;
  }

  /** Messages ready in the queue (neither delivered nor unacked). */
  private int ready() throws Exception {
    int[] count = new int[1];
    broker(ch -> count[0] = ch.queueDeclarePassive(queue).getMessageCount());
    return count[0];
  }

  @FunctionalInterface
  private interface BrokerWork {
    void run(Channel channel) throws Exception;
  }

  private static void broker(BrokerWork work) throws Exception {
    TestInfra infra = TestInfra.get();
    com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
    factory.setHost(infra.amqpHost);
    factory.setPort(infra.amqpPort);
    try (Connection c = factory.newConnection();
        Channel ch = c.createChannel()) {
      work.run(ch);
    }
  }

  private AckCounter counter() {
    return consumer.getBean(AckCounter.class);
  }

  private ListenerStats stats() {
    return consumer.getBean(ListenerContainers.class).stats();
  }

  private Map<UUID, AtomicInteger> calls() {
    return consumer.getBean(CountingListener.class).calls;
  }

  @Test
  void byDefaultEachDeliveryIsAckedOnItsOwn() throws Exception {
    String prefix = newQueuePrefix();
    startConsumer(prefix);
    List<UUID> ids = publish(5);
    Await.until(WAIT, "all acked", () -> counter().acked.get() == 5);
    assertThat(calls()).containsOnlyKeys(ids);
    assertThat(counter().ackFrames.get()).isEqualTo(5);
    assertThat(counter().multipleAckFrames.get()).isZero();
  }

  @Test
  void aBatchIsAckedWithOneMultipleAckAndTheRestOnceTheQueueIsIdle() throws Exception {
    String prefix = newQueuePrefix();
    List<UUID> ids = publish(25); // waiting before the consumer starts: it gets them all at once
    startConsumer(
        prefix,
        "rms.consumer.prefetch=50",
        "rms.consumer.amqp-ack-batch=10",
        "rms.consumer.amqp-ack-max-delay=300ms");
    Await.until(WAIT, "all handled", () -> stats().processed() == 25);
    long handled = System.nanoTime();
    Await.until(WAIT, "all acked", () -> counter().acked.get() == 25);
    Duration lastAck = Duration.ofNanos(System.nanoTime() - handled);

    assertThat(calls()).containsOnlyKeys(ids);
    assertThat(counter().delivered.get()).isEqualTo(25);
    // 10 + 10 + the last 5 once no delivery came for 300 ms; a slow start may split a batch
    assertThat(counter().ackFrames.get()).as("ack frames for 25 deliveries").isBetween(3, 6);
    assertThat(counter().multipleAckFrames.get()).isEqualTo(counter().ackFrames.get());
    assertThat(lastAck).as("the idle batch acked soon after").isLessThan(Duration.ofSeconds(5));
    assertThat(counter().pending()).isZero();
    assertThat(ready()).isZero();
  }

  @Test
  void deliveriesWhoseAckWasPendingAreRedeliveredAfterAConnectionLossWithoutASecondEffect()
      throws Exception {
    String prefix = newQueuePrefix();
    startConsumer(
        prefix,
        "rms.consumer.prefetch=50",
        "rms.consumer.amqp-ack-batch=10",
        // long enough that the three stay unacked until the connection is cut; the consumer
        // notices the loss when its wait for the next delivery ends
        "rms.consumer.amqp-ack-max-delay=8s");
    List<UUID> ids = publish(3);
    Await.until(WAIT, "all processed", () -> stats().processed() == 3);
    assertThat(counter().pending()).as("processed, AMQP ack pending").isEqualTo(3);
    assertThat(counter().ackFrames.get()).isZero();

    // the connection dies (as in a crash of the consumer's host): the broker requeues the three
    consumer.getBean(CachingConnectionFactory.class).resetConnection();
    Await.until(WAIT, "redelivered and found in the inbox", () -> stats().duplicates() == 3);

    assertThat(calls()).containsOnlyKeys(ids);
    assertThat(calls().values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    assertThat(counter().delivered.get()).isEqualTo(6);
    JdbcTemplate consumerDb = new JdbcTemplate(consumer.getBean(javax.sql.DataSource.class));
    assertThat(consumerDb.queryForObject("select count(*) from rms_inbox", Integer.class))
        .isEqualTo(3);
  }
}
