package io.rms.service.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.rms.service.testing.Api;
import io.rms.service.testing.ServiceArgs;
import io.rms.service.testing.StartedService;
import io.rms.service.testing.TestInfra;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Stopping the service (what SIGTERM does in Kubernetes) while producers send: the shutdown
 * completes within the pod's grace period, every accepted message keeps a delivery, and every
 * delivery recorded PUBLISHED really is in the broker's queue; the rest stay SCHEDULED for the
 * redelivery sweep.
 */
class GracefulShutdownTest {
  private static final String SUB = "cart.order-created";

  @Test
  void stoppingUnderLoadLosesNoAcceptedMessageAndRecordsOnlyRealPublishes() throws Exception {
    TestInfra infra = TestInfra.get();
    String prefix = "it-" + infra.runId + "-shutdown.rms.sub.";
    String queue = prefix + SUB;
    infra.deleteAtExit(queue);
    StartedService service =
        StartedService.run(
            ServiceArgs.on(infra).queuePrefix(prefix).with("--spring.profiles.active=itest"));
    int port = service.port();
    String jdbcUrl = infra.jdbcUrl;

    Set<UUID> accepted = ConcurrentHashMap.newKeySet();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService producers = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      producers.execute(
          () -> {
            Api orders = new Api(port, "orders-key");
            while (!stop.get()) {
              try {
                Api.Response r = orders.send("order.created", "payload", Map.of("n", 1));
                if (r.status() == 201) {
                  accepted.add(r.id());
                }
              } catch (RuntimeException refused) {
                return; // the server stopped listening
              }
            }
          });
    }
    while (accepted.size() < 100) {
      Thread.sleep(10);
    }

    long started = System.nanoTime();
    service.close();
    Duration shutdown = Duration.ofNanos(System.nanoTime() - started);
    stop.set(true);
    producers.shutdown();
    assertThat(producers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(shutdown)
        .as("within terminationGracePeriodSeconds")
        .isLessThan(Duration.ofSeconds(45));

    try (java.sql.Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
      JdbcTemplate db = new JdbcTemplate(new SingleConnectionDataSource(c, true));
      List<Map<String, Object>> rows =
          db.queryForList(
              "select message_id, status from delivery where subscription = ? and message_id = any(?::uuid[])",
              SUB,
              accepted.toArray(UUID[]::new));
      assertThat(rows).as("every accepted message has its delivery").hasSize(accepted.size());
      long published = rows.stream().filter(r -> "PUBLISHED".equals(r.get("status"))).count();
      assertThat(rows).allSatisfy(r -> assertThat(r.get("status")).isIn("PUBLISHED", "SCHEDULED"));
      assertThat(published).isPositive();

      ConnectionFactory factory = new ConnectionFactory();
      factory.setHost(infra.amqpHost);
      factory.setPort(infra.amqpPort);
      try (Connection amqp = factory.newConnection();
          Channel channel = amqp.createChannel()) {
        long inQueue = channel.queueDeclarePassive(queue).getMessageCount();
        assertThat(inQueue)
            .as("every delivery recorded PUBLISHED was confirmed by the broker")
            .isGreaterThanOrEqualTo(published);
      }
    }
  }
}
