package io.rms.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.consumer.autoconfigure.ConsumerAutoConfiguration;
import io.rms.consumer.internal.AckBatcher;
import io.rms.sdk.client.autoconfigure.RmsClientAutoConfiguration;
import io.rms.service.testing.Api;
import io.rms.service.testing.Await;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.TestInfra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
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
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A consumer application with one {@link ReliableMessageListener}, against the running service,
 * real PostgreSQL and broker: effects once, acks batched to the service, failures nacked.
 */
class ReliableMessageListenerTest extends IntegrationTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static ConfigurableApplicationContext consumer;
  private static JdbcTemplate consumerDb;

  /** The payload as the consumer sees it. */
  public record OrderCreated(String orderId, List<String> items) {}

  /** Thrown for orders the listener can never process. */
  public static class BadOrderException extends RuntimeException {
    public BadOrderException(String message) {
      super(message);
    }
  }

  /** The consumer's listener: records its effect in the consumer's database. */
  public static class CartListener {
    final Queue<MessageMetadata> seen = new ConcurrentLinkedQueue<>();
    private final JdbcTemplate jdbc;

    public CartListener(JdbcTemplate jdbc) {
      this.jdbc = jdbc;
    }

    @ReliableMessageListener(
        subscription = "cart.order-created",
        nonRetryable = BadOrderException.class)
    public void onOrderCreated(OrderCreated event, MessageMetadata meta) {
      seen.add(meta);
      jdbc.update(
          "insert into applied (message_id, order_id) values (?, ?)",
          meta.messageId(),
          event.orderId());
      if (event.orderId().startsWith("fail-")) {
        throw new IllegalStateException("cart locked for " + event.orderId());
      }
      if (event.orderId().startsWith("bad-")) {
        throw new BadOrderException("unknown customer in " + event.orderId());
      }
    }
  }

  /** Ordered subscription, several listener threads: each key is still handled in its order. */
  public static class OrderedListener {
    final Queue<MessageMetadata> seen = new ConcurrentLinkedQueue<>();

    @ReliableMessageListener(subscription = "cart.ordered", concurrency = 4)
    public void onOrdered(OrderCreated event, MessageMetadata meta) throws InterruptedException {
      seen.add(meta);
      Thread.sleep(ThreadLocalRandom.current().nextInt(5));
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
    OrderedListener orderedListener() {
      return new OrderedListener();
    }

    @Bean
    CartListener cartListener(javax.sql.DataSource dataSource) {
      JdbcTemplate jdbc = new JdbcTemplate(dataSource);
      jdbc.execute("create table if not exists applied (message_id uuid, order_id text)");
      return new CartListener(jdbc);
    }
  }

  @BeforeEach
  void startConsumer() {
    if (consumer != null) {
      return;
    }
    TestInfra infra = TestInfra.get();
    queue("cart.order-created").close(); // registers the queue for deletion at exit
    queue("cart.ordered").close();
    consumer =
        new SpringApplicationBuilder(ConsumerApp.class)
            .web(WebApplicationType.NONE)
            .properties(
                "spring.config.name=consumer-test",
                "spring.datasource.url=" + infra.newDatabase("consumer_it"),
                "spring.datasource.username=postgres",
                "spring.datasource.password=",
                "spring.rabbitmq.host=" + infra.amqpHost,
                "spring.rabbitmq.port=" + infra.amqpPort,
                "spring.rabbitmq.username=guest",
                "spring.rabbitmq.password=guest",
                "rms.client.base-url=http://127.0.0.1:" + port,
                "rms.client.api-key=cart-key",
                "rms.consumer.queue-prefix=" + infra.queuePrefix,
                "rms.consumer.ack-batch-size=10",
                "rms.consumer.ack-max-delay=300ms")
            .run();
    consumerDb = new JdbcTemplate(consumer.getBean(javax.sql.DataSource.class));
  }

  @AfterAll
  static void stopConsumer() {
    if (consumer != null) {
      consumer.close();
      consumer = null;
    }
  }

  private UUID send(String orderId) {
    Api.Response r =
        as("orders")
            .send(
                "order.created",
                "payload",
                Map.of("orderId", orderId, "items", List.of("apple")),
                "businessKey",
                orderId,
                "headers",
                Map.of("tenant", "eu"));
    assertThat(r.status()).isEqualTo(201);
    return r.id();
  }

  private String delivery(UUID id, String column) {
    return jdbc.queryForObject(
        "select "
            + column
            + "::text from delivery where message_id = ? and subscription = 'cart.order-created'",
        String.class,
        id);
  }

  private int applied(UUID id) {
    return consumerDb.queryForObject(
        "select count(*) from applied where message_id = ?", Integer.class, id);
  }

  private int inbox(UUID id) {
    return consumerDb.queryForObject(
        "select count(*) from rms_inbox where message_id = ?", Integer.class, id);
  }

  private CartListener listener() {
    return consumer.getBean(CartListener.class);
  }

  @Test
  void messageIsProcessedOnceWithItsMetadataAndAckedToTheService() {
    String order = "ok-" + UUID.randomUUID();
    UUID id = send(order);
    Await.until(WAIT, "acked", () -> "ACKED".equals(delivery(id, "status")));
    assertThat(applied(id)).isEqualTo(1);
    assertThat(inbox(id)).isEqualTo(1);
    MessageMetadata meta =
        listener().seen.stream().filter(m -> m.messageId().equals(id)).findFirst().orElseThrow();
    assertThat(meta.topic()).isEqualTo("order.created");
    assertThat(meta.subscription()).isEqualTo("cart.order-created");
    assertThat(meta.attempt()).isEqualTo(1);
    assertThat(meta.producer()).isEqualTo("orders");
    assertThat(meta.businessKey()).isEqualTo(order);
    assertThat(meta.headers()).containsEntry("tenant", "eu");
    assertThat(meta.contentType()).isEqualTo("application/json");
    assertThat(meta.sequence()).as("no x-rms-sequence on an unordered subscription").isNull();
  }

  @Test
  void anOrderedSubscriptionHandsEachKeyToTheHandlerInOrderAcrossListenerThreads() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Map<String, List<UUID>> sent = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 5; i++) {
      for (int k = 0; k < 3; k++) {
        String key = run + "-" + k;
        Api.Response r =
            as("orders")
                .send(
                    "order.ordered",
                    "orderingKey",
                    key,
                    "payload",
                    Map.of("orderId", key + "-" + i, "items", List.of()));
        assertThat(r.status()).isEqualTo(201);
        sent.computeIfAbsent(key, x -> new ArrayList<>()).add(r.id());
      }
    }
    List<UUID> all = sent.values().stream().flatMap(List::stream).toList();
    Await.until(
        WAIT,
        "all acked on cart.ordered",
        () ->
            jdbc.queryForObject(
                    """
                    select count(*) from delivery
                     where subscription = 'cart.ordered' and status = 'ACKED'
                       and message_id = any(?::uuid[])
                    """,
                    Long.class,
                    (Object) all.toArray(UUID[]::new))
                == all.size());
    List<MessageMetadata> seen = List.copyOf(consumer.getBean(OrderedListener.class).seen);
    sent.forEach(
        (key, ids) -> {
          List<MessageMetadata> ofKey =
              seen.stream().filter(m -> key.equals(m.orderingKey())).toList();
          assertThat(ofKey.stream().map(MessageMetadata::messageId).distinct().toList())
              .as("key %s handled in send order", key)
              .containsExactlyElementsOf(ids);
          for (int i = 1; i < ofKey.size(); i++) {
            assertThat(ofKey.get(i).sequence()).isGreaterThan(ofKey.get(i - 1).sequence());
          }
        });
  }

  @Test
  void redeliveredMessageSkipsTheHandlerAndIsAckedAgain() throws Exception {
    UUID id = send("dup-" + UUID.randomUUID());
    Await.until(WAIT, "acked", () -> "ACKED".equals(delivery(id, "status")));
    long calls = listener().seen.stream().filter(m -> m.messageId().equals(id)).count();
    assertThat(calls).isEqualTo(1);
    int ackCalls = consumer.getBean(AckBatcher.class).calls();
    long alreadyAcked = consumer.getBean(AckBatcher.class).answers().alreadyAcked();

    // the broker hands the same message over again (e.g. after a consumer crash before its ack);
    // sent through the consumer application's own broker connection
    consumer
        .getBean(RabbitTemplate.class)
        .send(
            "",
            TestInfra.get().queuePrefix + "cart.order-created",
            MessageBuilder.withBody(
                    "{\"orderId\":\"dup\",\"items\":[]}".getBytes(StandardCharsets.UTF_8))
                .setMessageId(id.toString())
                .setContentType("application/json")
                .setHeader("x-rms-attempt", 2)
                .setHeader("x-rms-topic", "order.created")
                .build());
    Await.until(WAIT, "acked again", () -> consumer.getBean(AckBatcher.class).calls() > ackCalls);
    Await.until(
        WAIT,
        "the service answered ALREADY_ACKED",
        () -> consumer.getBean(AckBatcher.class).answers().alreadyAcked() > alreadyAcked);
    assertThat(listener().seen.stream().filter(m -> m.messageId().equals(id)).count())
        .as("handler not called again")
        .isEqualTo(1);
    assertThat(applied(id)).isEqualTo(1);
  }

  /** Hands the consumer a copy of the message as a replay's delivery. */
  private void replayed(UUID id, String replayId) {
    consumer
        .getBean(RabbitTemplate.class)
        .send(
            "",
            TestInfra.get().queuePrefix + "cart.order-created",
            MessageBuilder.withBody(
                    "{\"orderId\":\"again\",\"items\":[]}".getBytes(StandardCharsets.UTF_8))
                .setMessageId(id.toString())
                .setContentType("application/json")
                .setHeader("x-rms-attempt", 1)
                .setHeader("x-rms-topic", "order.created")
                .setHeader("x-rms-replay", replayId)
                .build());
  }

  private long handled(UUID id) {
    return listener().seen.stream().filter(m -> m.messageId().equals(id)).count();
  }

  @Test
  void aReplayRunsTheHandlerOnceMorePerReplayAndTellsItIsAReplay() {
    UUID id = send("replay-" + UUID.randomUUID());
    Await.until(WAIT, "acked", () -> "ACKED".equals(delivery(id, "status")));
    assertThat(handled(id)).isEqualTo(1);
    assertThat(
            listener().seen.stream()
                .filter(m -> m.messageId().equals(id))
                .findFirst()
                .orElseThrow()
                .isReplay())
        .isFalse();

    replayed(id, "rp-1");
    Await.until(WAIT, "the replay handled", () -> handled(id) == 2);
    var stats = consumer.getBean(io.rms.consumer.internal.ListenerContainers.class).stats();
    long duplicates = stats.duplicates();
    replayed(id, "rp-1"); // a redelivery within the same replay
    Await.until(WAIT, "the copy found in the inbox", () -> stats.duplicates() > duplicates);
    assertThat(handled(id)).as("rp-1 applied once").isEqualTo(2);
    replayed(id, "rp-2");
    Await.until(WAIT, "the second replay handled", () -> handled(id) == 3);
    assertThat(inboxReplays(id)).isEqualTo(2);
    assertThat(
            listener().seen.stream()
                .filter(m -> m.messageId().equals(id) && m.isReplay())
                .map(MessageMetadata::replayId)
                .toList())
        .containsExactlyInAnyOrder("rp-1", "rp-2");
    assertThat(applied(id)).isEqualTo(3);
  }

  private int inboxReplays(UUID id) {
    return consumerDb.queryForObject(
        "select count(*) from rms_inbox_replay where message_id = ?", Integer.class, id);
  }

  @Test
  void handlerFailureRollsBackItsWorkAndIsNackedForRetry() {
    UUID id = send("fail-" + UUID.randomUUID());
    Await.until(WAIT, "nacked", () -> delivery(id, "last_error") != null);
    assertThat(delivery(id, "last_error")).contains("cart locked");
    assertThat(delivery(id, "status")).isEqualTo("SCHEDULED");
    assertThat(applied(id)).as("the handler's insert rolled back").isZero();
    assertThat(inbox(id)).as("not marked processed").isZero();
  }

  @Test
  void declaredNonRetryableFailureMakesTheDeliveryDead() {
    UUID id = send("bad-" + UUID.randomUUID());
    Await.until(WAIT, "dead", () -> "DEAD".equals(delivery(id, "status")));
    assertThat(delivery(id, "last_error")).contains("unknown customer");
    assertThat(applied(id)).isZero();
  }

  @Test
  void unmappablePayloadIsNotRetried() {
    Api.Response r = as("orders").send("order.created", "payload", List.of("not", "an", "order"));
    UUID id = r.id();
    Await.until(WAIT, "dead", () -> "DEAD".equals(delivery(id, "status")));
    assertThat(delivery(id, "last_error")).contains("payload does not map");
  }

  @Test
  void acksAreBatched() {
    int before = consumer.getBean(AckBatcher.class).calls();
    List<UUID> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ids.add(send("batch-" + i + "-" + UUID.randomUUID()));
    }
    Await.until(
        WAIT,
        "all acked",
        () -> ids.stream().allMatch(id -> "ACKED".equals(delivery(id, "status"))));
    int calls = consumer.getBean(AckBatcher.class).calls() - before;
    // fewer calls than messages means acks were batched; how many fit in one call depends on how
    // fast the messages arrive (embedded engines are slower), so no tighter bound
    assertThat(calls).as("ack calls for 40 messages").isBetween(1, ids.size() - 1);
  }
}
