package io.rms.service.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.rms.service.testing.Api;
import io.rms.service.testing.Await;
import io.rms.service.testing.DashboardClient;
import io.rms.service.testing.PublishFailures;
import io.rms.service.testing.StartedService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The zero-install default: with no database or broker configured the service starts embedded
 * PostgreSQL and Qpid Broker-J, registers the demo apps, and runs the whole lifecycle. Qpid answers
 * an unroutable mandatory publish with nack-then-return, which must not count as published.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class EmbeddedModeTest {
  private static ConfigurableApplicationContext context;
  private static Path dataDir;
  private static Properties keys;
  private static int port;
  private static int amqpPort;

  @BeforeAll
  static void start() throws Exception {
    dataDir = Files.createTempDirectory("rms-embedded-");
    long started = System.nanoTime();
    StartedService service =
        StartedService.run(
            "--rms.embedded.data-dir=" + dataDir,
            "--rms.embedded.postgres-port=0",
            "--rms.embedded.amqp-port=0",
            "--logging.level.root=WARN");
    context = service.context();
    System.out.printf(
        "embedded mode started in %d ms%n",
        Duration.ofNanos(System.nanoTime() - started).toMillis());
    port = service.port();
    amqpPort = Integer.parseInt(context.getEnvironment().getProperty("spring.rabbitmq.port"));
    keys = new Properties();
    try (var in = Files.newBufferedReader(dataDir.resolve("demo-keys.env"))) {
      keys.load(in);
    }
  }

  @AfterAll
  static void stop() {
    if (context != null) {
      context.close();
    }
  }

  @Test
  @org.junit.jupiter.api.Order(1)
  void runsTheLifecycleOnEmbeddedEnginesWithTheDemoApps() throws Exception {
    assertThat(context.getEnvironment().getProperty("spring.datasource.url"))
        .startsWith("jdbc:postgresql://127.0.0.1:");
    Api orders = new Api(port, keys.getProperty("ORDERS_KEY"));
    Api cart = new Api(port, keys.getProperty("CART_KEY"));
    UUID id = orders.send("order.created", "payload", Map.of("orderId", 1)).id();
    GetResponse received;
    try (Connection c = connect();
        Channel channel = c.createChannel()) {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      do {
        received = channel.basicGet("rms.sub.cart.order-created", true);
      } while (received == null && System.nanoTime() < deadline);
    }
    assertThat(received).isNotNull();
    assertThat(received.getProps().getMessageId()).isEqualTo(id.toString());
    assertThat(received.getProps().getHeaders().get("x-rms-attempt")).isEqualTo(1);
    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
    Await.until(
        Duration.ofSeconds(10),
        "published",
        () ->
            "PUBLISHED"
                .equals(
                    jdbc.queryForObject(
                        "select status from delivery where message_id = ?", String.class, id)));
    cart.post("/api/v1/subscriptions/cart.order-created/acks", Map.of("messageIds", List.of(id)));
    assertThat(orders.get("/api/v1/messages/" + id).text("status")).isEqualTo("DELIVERED");
  }

  @Test
  @org.junit.jupiter.api.Order(2)
  void anUnroutablePublishNackedThenReturnedByQpidIsNotMarkedPublished() throws Exception {
    try (Connection c = connect();
        Channel channel = c.createChannel()) {
      channel.queueDelete("rms.sub.cart.order-created");
    }
    Api orders = new Api(port, keys.getProperty("ORDERS_KEY"));
    UUID id = orders.send("order.created", "payload", 2).id();
    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
    Map<String, Object> delivery = PublishFailures.awaitRecorded(jdbc, id, Duration.ofSeconds(10));
    assertThat(delivery.get("status")).isEqualTo("SCHEDULED");
    assertThat(delivery.get("attempts")).isEqualTo(0);
    assertThat((String) delivery.get("last_error")).containsAnyOf("nacked", "returned");
    try (Connection c = connect();
        Channel channel = c.createChannel()) {
      channel.queueDeclare("rms.sub.cart.order-created", true, false, false, null);
    }
  }

  @Test
  @org.junit.jupiter.api.Order(3)
  void createsADashboardAdminWithARandomPasswordWhenNoneIsConfigured() throws Exception {
    Properties admin = new Properties();
    try (var in = Files.newBufferedReader(dataDir.resolve("dashboard-admin.env"))) {
      admin.load(in);
    }
    assertThat(admin.getProperty("DASHBOARD_PASSWORD")).hasSizeGreaterThanOrEqualTo(20);
    DashboardClient wrong = new DashboardClient(port);
    assertThat(wrong.login("admin", "admin").location()).endsWith("/dashboard/login?error");
    DashboardClient dashboard =
        DashboardClient.loggedIn(port, "admin", admin.getProperty("DASHBOARD_PASSWORD"));
    assertThat(dashboard.get("/dashboard/admin/apps").body()).contains("orders").contains("cart");
  }

  private static Connection connect() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setPort(amqpPort);
    factory.setUsername("guest");
    factory.setPassword("guest");
    return factory.newConnection();
  }
}
