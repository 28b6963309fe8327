package io.rms.service.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import io.rms.recovery.RedeliverySweep;
import io.rms.service.RmsApplication;
import io.rms.service.testing.Api;
import io.rms.service.testing.BrokerProbe;
import io.rms.service.testing.TestInfra;
import io.rms.testsupport.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A service whose broker goes away (a TCP proxy in front of the shared broker is cut) and comes
 * back: publishes fail without consuming attempts, and the sweep drains the backlog afterwards at
 * its bounded rate. A context of its own (its broker is the proxy); the schedule stays off and the
 * test runs the sweep at a fixed pace instead.
 */
@SpringBootTest(
    classes = RmsApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.quartz.auto-startup=false",
      "rms.dispatch.failure-retry=1s",
      "rms.recovery.batch-size=100",
      "rms.recovery.max-in-flight=200"
    })
@ActiveProfiles("itest")
class BrokerOutageTest {
  private static final int BACKLOG = 300;
  private static final Duration SWEEP_EVERY = Duration.ofMillis(500);
  private static final TestInfra infra = TestInfra.get();
  private static final TcpProxy proxy = new TcpProxy("amqp", infra.amqpHost, infra.amqpPort);

  @LocalServerPort int port;
  @Autowired JdbcTemplate jdbc;
  @Autowired RedeliverySweep sweep;
  @Autowired RedeliveryPublisher deliveries;

  @DynamicPropertySource
  static void brokerBehindProxy(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> infra.jdbcUrl);
    registry.add("spring.datasource.username", () -> "postgres");
    registry.add("spring.datasource.password", () -> "");
    registry.add("spring.rabbitmq.host", () -> "127.0.0.1");
    registry.add("spring.rabbitmq.port", proxy::port);
    registry.add("spring.rabbitmq.username", () -> "guest");
    registry.add("spring.rabbitmq.password", () -> "guest");
    registry.add("rms.broker.queue-prefix", () -> infra.queuePrefix);
  }

  @AfterAll
  static void closeProxy() {
    proxy.close();
  }

  @AfterEach
  void removeTheBacklog() {
    jdbc.update("delete from message where topic = 'order.claims'");
  }

  private int count(String where) {
    return jdbc.queryForObject(
        "select count(*) from delivery where subscription = 'cart.claims' and " + where,
        Integer.class);
  }

  private void awaitNoPublishInFlight() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (deliveries.inFlight() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  @Test
  void anOutageConsumesNoAttemptsAndTheBacklogDrainsAfterTheBrokerReturns() throws Exception {
    String queueName = infra.queuePrefix + "cart.claims";
    infra.deleteAtExit(queueName);
    try (BrokerProbe queue = new BrokerProbeOnRealBroker(queueName).probe()) {
      queue.purge();
      proxy.cut();

      Api orders = new Api(port, "orders-key");
      List<UUID> ids = new ArrayList<>();
      for (int i = 0; i < BACKLOG; i++) {
        Api.Response sent = orders.send("order.claims", "payload", Map.of("n", i));
        assertThat(sent.status()).as("the API keeps accepting work").isEqualTo(201);
        ids.add(sent.id());
      }
      // the outage lasts a few sweep rounds; every round's publishes fail
      for (int round = 0; round < 3; round++) {
        jdbc.update(
            """
            update delivery set next_attempt_at = now() - interval '1 second'
             where subscription = 'cart.claims' and status = 'SCHEDULED'
            """);
        sweep.run();
        awaitNoPublishInFlight();
      }
      assertThat(count("status = 'SCHEDULED' and attempts = 0")).isEqualTo(BACKLOG);
      assertThat(count("last_error is not null")).isEqualTo(BACKLOG);
      assertThat(
              jdbc.queryForObject(
                  """
                  select count(distinct e.message_id) from message_event e
                    join message m on m.id = e.message_id
                   where m.topic = 'order.claims' and e.type = 'PUBLISH_FAILED'
                  """,
                  Integer.class))
          .isEqualTo(BACKLOG);
      assertThat(queue.next(Duration.ofMillis(200))).isNull();

      // other tests of this JVM share the database: their published deliveries must not fall
      // due during the drain, or the sweep's runs would count them too
      jdbc.update(
          """
          update delivery set next_attempt_at = now() + interval '1 hour'
           where subscription <> 'cart.claims' and status in ('SCHEDULED', 'PUBLISHED')
          """);
      proxy.heal();
      long healed = System.nanoTime();
      int runs = 0;
      int maxPerRun = 0;
      while (count("status = 'PUBLISHED'") < BACKLOG) {
        assertThat(Duration.ofNanos(System.nanoTime() - healed))
            .as("backlog drained in time")
            .isLessThan(Duration.ofSeconds(60));
        maxPerRun = Math.max(maxPerRun, sweep.run());
        runs++;
        Thread.sleep(SWEEP_EVERY.toMillis());
      }
      Duration drained = Duration.ofNanos(System.nanoTime() - healed);

      assertThat(maxPerRun).as("one run never exceeds the batch size").isLessThanOrEqualTo(100);
      assertThat(count("status = 'PUBLISHED' and attempts = 1"))
          .as("the outage consumed no attempt")
          .isEqualTo(BACKLOG);
      List<GetResponse> received = queue.drain(Duration.ofSeconds(1));
      assertThat(received).hasSize(BACKLOG);
      assertThat(new HashSet<>(received.stream().map(r -> r.getProps().getMessageId()).toList()))
          .hasSize(BACKLOG);
      assertThat(received)
          .allSatisfy(
              r ->
                  assertThat(((Number) r.getProps().getHeaders().get("x-rms-attempt")).intValue())
                      .isEqualTo(1));
      System.out.printf(
          "FIGURES broker outage: backlog=%d, drained %d ms after the broker returned"
              + " (%d sweep runs every %d ms, batch 100, max in flight 200, failure-retry 1s)%n",
          BACKLOG, drained.toMillis(), runs, SWEEP_EVERY.toMillis());
    }
  }

  /** A probe straight on the shared broker, not through the proxy. */
  private record BrokerProbeOnRealBroker(String queue) {
    BrokerProbe probe() {
      return BrokerProbe.on(infra.amqpHost, infra.amqpPort, queue);
    }
  }
}
