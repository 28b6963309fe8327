package io.rms.examples.python;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.RmsApplication;
import io.rms.service.testing.ServiceArgs;
import io.rms.service.testing.TestInfra;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Python pull consumer of {@code examples/python-client} ({@code pull_consumer.py}, no AMQP
 * client) as a process against the service, real PostgreSQL and RabbitMQ: every order arrives
 * exactly once, first attempts nacked through the API come back, and deliveries the consumer
 * abandons (no ack, no nack) come back when their lease expires. CI (RMS_TEST_INFRA=real) always
 * runs it; a machine without python3-requests skips it with a hint.
 */
class PythonPullConsumerTest {
  private static final Path PYTHON = Paths.get("/usr/bin/python3");
  private static final Path SCRIPTS = Paths.get("").toAbsolutePath();
  private static final String SUB = "pypull.orders";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int ORDERS = 30;

  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
    contexts.forEach(ConfigurableApplicationContext::close);
  }

  private static boolean pythonReady() {
    try {
      Process p =
          new ProcessBuilder(PYTHON.toString(), "-c", "import requests")
              .redirectErrorStream(true)
              .start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  void aPythonPullConsumerAppliesEveryOrderOnceThroughNacksAndExpiredLeases() throws Exception {
    boolean required = "real".equalsIgnoreCase(System.getenv("RMS_TEST_INFRA"));
    Assumptions.assumeTrue(
        required || pythonReady(),
        "the Python example needs /usr/bin/python3 with requests (apt-get install"
            + " python3-requests)");
    TestInfra infra = TestInfra.get();
    int servicePort = TestInfra.freePort();
    String url = "http://127.0.0.1:" + servicePort;
    ConfigurableApplicationContext service =
        RmsApplication.application()
            .run(
                ServiceArgs.on(infra)
                    .with(
                        "--server.port=" + servicePort,
                        "--spring.datasource.hikari.maximum-pool-size=5",
                        "--rms.apps[0].id=pypullshop",
                        "--rms.apps[0].api-keys[0]=pypullshop-key",
                        "--rms.apps[0].produces[0]=pypull.order",
                        "--rms.apps[1].id=pypullcart",
                        "--rms.apps[1].api-keys[0]=pypullcart-key",
                        "--rms.subscriptions[0].name=" + SUB,
                        "--rms.subscriptions[0].topic=pypull.order",
                        "--rms.subscriptions[0].app=pypullcart",
                        "--rms.subscriptions[0].delivery=pull",
                        "--rms.subscriptions[0].max-attempts=10",
                        "--rms.subscriptions[0].backoff.initial=200ms",
                        "--rms.subscriptions[0].backoff.max=1s",
                        "--rms.recovery.interval=1s",
                        "--logging.level.root=WARN"));
    contexts.add(service);
    Path work = Files.createTempDirectory("rms-python-pull");
    Path out = work.resolve("pull-consumer.json");
    Process consumer =
        python(
            work.resolve("pull-consumer.log"),
            "pull_consumer.py",
            "--url",
            url,
            "--api-key",
            "pypullcart-key",
            "--subscription",
            SUB,
            "--db",
            work.resolve("cart.db").toString(),
            "--expect",
            String.valueOf(ORDERS),
            "--max",
            "4",
            "--wait",
            "5",
            "--lease",
            "5",
            "--fail-every",
            "4",
            "--abandon-every",
            "7",
            "--out",
            out.toString());
    HttpClient http = HttpClient.newHttpClient();
    for (int order = 1; order <= ORDERS; order++) {
      HttpResponse<String> sent =
          http.send(
              HttpRequest.newBuilder(URI.create(url + "/api/v1/messages/send"))
                  .header("Authorization", "Bearer pypullshop-key")
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"topic\":\"pypull.order\",\"payload\":{\"orderId\":" + order + "}}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(sent.statusCode()).as(sent.body()).isEqualTo(201);
    }

    assertThat(consumer.waitFor(120, TimeUnit.SECONDS)).as(log(work)).isTrue();
    assertThat(consumer.exitValue()).as(log(work)).isZero();
    JsonNode consumed = JSON.readTree(out.toFile());
    List<Integer> applied = new ArrayList<>();
    consumed.get("applied").forEach(n -> applied.add(n.asInt()));
    assertThat(applied).as("each order applied once").hasSize(ORDERS).doesNotHaveDuplicates();
    // first attempts of orders 1..30: 7, 14, 21 and 28 abandoned; the other multiples of 4 nacked
    assertThat(consumed.get("abandoned").asInt()).isEqualTo(4);
    assertThat(consumed.get("nacked").asInt()).isEqualTo(6);

    JdbcTemplate db = new JdbcTemplate(service.getBean(javax.sql.DataSource.class));
    assertThat(
            db.queryForObject(
                "select count(*) from message where app_id = 'pypullshop' and status = 'DELIVERED'",
                Integer.class))
        .isEqualTo(ORDERS);
    assertThat(
            db.queryForObject(
                "select count(*) from message_event e join message m on m.id = e.message_id"
                    + " where m.app_id = 'pypullshop' and e.type = 'ACK_TIMEOUT'",
                Integer.class))
        .as("one expired lease per abandoned order")
        .isEqualTo(4);
  }

  private Process python(Path log, String script, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-u", script));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .directory(SCRIPTS.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    processes.add(p);
    return p;
  }

  private static String log(Path work) {
    try {
      return "pull consumer log:\n" + Files.readString(work.resolve("pull-consumer.log"));
    } catch (IOException e) {
      return "pull consumer log unreadable: " + e;
    }
  }
}
