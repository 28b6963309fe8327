package io.rms.service.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.Await;
import io.rms.service.testing.ServiceArgs;
import io.rms.service.testing.StartedService;
import io.rms.service.testing.TestInfra;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A service of its own for the push tests (real PostgreSQL and RabbitMQ): a producer app {@code
 * <p>shop} of the topics {@code <topic>.t0…}, a receiver app {@code <p>recv} that owns the push
 * subscriptions, an ADMIN app {@code <p>root} that creates them, and 127.0.0.1 allowed as a push
 * host; plus what the tests ask of it: subscriptions, secrets, sends, delivery rows, hand-made
 * copies in a subscription's queue.
 */
final class PushTestService implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(20);

  final StartedService service;
  final JdbcTemplate jdbc;
  final Api producer;
  final Api admin;
  final String receiverApp;
  private final String topicPrefix;
  private final AtomicInteger topics = new AtomicInteger();

  private PushTestService(StartedService service, String apps, String topicPrefix) {
    this.service = service;
    this.jdbc = service.context().getBean(JdbcTemplate.class);
    this.producer = new Api(service.port(), apps + "shop-key");
    this.admin = new Api(service.port(), apps + "root-key");
    this.receiverApp = apps + "recv";
    this.topicPrefix = topicPrefix;
  }

  /**
   * Starts it: apps named after {@code apps}, {@code topicCount} topics named after {@code
   * topicPrefix}, a database named after {@code database}, and {@code more} arguments.
   */
  static PushTestService start(
      String apps, String topicPrefix, int topicCount, String database, String... more) {
    TestInfra infra = TestInfra.get();
    List<String> args = new ArrayList<>();
    args.add("--rms.apps[0].id=" + apps + "shop");
    args.add("--rms.apps[0].api-keys[0]=" + apps + "shop-key");
    for (int i = 0; i < topicCount; i++) {
      args.add("--rms.apps[0].produces[" + i + "]=" + topicPrefix + ".t" + i);
    }
    args.add("--rms.apps[1].id=" + apps + "recv");
    args.add("--rms.apps[1].api-keys[0]=" + apps + "recv-key");
    args.add("--rms.apps[2].id=" + apps + "root");
    args.add("--rms.apps[2].api-keys[0]=" + apps + "root-key");
    args.add("--rms.apps[2].roles[0]=ADMIN");
    args.add("--rms.push.allowed-hosts[0]=127.0.0.1");
    args.add("--rms.recovery.interval=1s");
    args.add("--rms.dispatch.publish-grace=1h");
    args.add("--logging.level.root=WARN");
    args.addAll(List.of(more));
    StartedService service =
        StartedService.run(
            ServiceArgs.on(infra)
                .database(infra.newDatabase(database))
                .with(args.toArray(String[]::new)));
    return new PushTestService(service, apps, topicPrefix);
  }

  int port() {
    return service.port();
  }

  ConfigurableApplicationContext context() {
    return service.context();
  }

  /**
   * A new push subscription of the receiver app on a topic of its own, with {@code push} settings
   * and {@code more} fields (name, value, …); answers the topic.
   */
  String subscription(String name, Map<String, Object> push, Object... more) {
    String topic = topicPrefix + ".t" + topics.getAndIncrement();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("topic", topic);
    body.put("app", receiverApp);
    body.put("delivery", "push");
    body.put("maxAttempts", 10);
    body.put("backoffInitialSeconds", 1);
    body.put("backoffMaxSeconds", 1);
    body.put("push", push);
    for (int i = 0; i < more.length; i += 2) {
      body.put((String) more[i], more[i + 1]);
    }
    Response created = admin.post("/api/v1/admin/subscriptions", body);
    assertThat(created.status()).as(created.raw()).isEqualTo(201);
    TestInfra.get().deleteAtExit(TestInfra.get().queuePrefix + name);
    return topic;
  }

  /** Rotates a signing secret in; answers it. */
  String rotate(String subscription) {
    Response rotated =
        admin.post("/api/v1/admin/subscriptions/" + subscription + "/push-secrets/rotate");
    assertThat(rotated.status()).as(rotated.raw()).isEqualTo(200);
    return rotated.text("secret");
  }

  /** Sends a message with these fields (name, value, …); answers its id. */
  UUID send(String topic, Object... fields) {
    Response sent = producer.send(topic, fields);
    assertThat(sent.status()).as(sent.raw()).isEqualTo(201);
    return sent.id();
  }

  Map<String, Object> delivery(UUID id, String subscription) {
    return jdbc.queryForMap(
        "select status, attempts, last_error from delivery where message_id = ? and subscription = ?",
        id,
        subscription);
  }

  void awaitStatus(UUID id, String subscription, String status) {
    Await.until(
        WAIT,
        id + " " + status + " on " + subscription,
        () -> status.equals(delivery(id, subscription).get("status")));
  }

  /** Puts a copy of {@code attempt} of the message into the subscription's queue by hand. */
  void copyInQueue(UUID id, String subscription, int attempt) {
    MessageProperties properties = new MessageProperties();
    properties.setMessageId(id.toString());
    properties.setHeader("x-rms-attempt", attempt);
    properties.setHeader("x-rms-subscription", subscription);
    service
        .context()
        .getBean(RabbitTemplate.class)
        .send("", TestInfra.get().queuePrefix + subscription, new Message(new byte[0], properties));
  }

  @Override
  public void close() {
    service.close();
  }
}
