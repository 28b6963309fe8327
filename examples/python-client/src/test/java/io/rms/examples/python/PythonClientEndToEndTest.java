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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Python producer and consumer of {@code examples/python-client} as separate processes against
 * the service, real PostgreSQL and RabbitMQ: committed orders arrive exactly once, rolled back ones
 * never, producers that "die" are resolved by the signed check-back, and a forged check-back is
 * refused. CI (RMS_TEST_INFRA=real, {@code .ci/run} installs python3-pika and python3-requests)
 * always runs it; a machine without them skips it with a hint.
 */
class PythonClientEndToEndTest {
  private static final Path PYTHON = Paths.get("/usr/bin/python3");
  private static final Path SCRIPTS = Paths.get("").toAbsolutePath();
  private static final String SECRET = "python-check-back-secret-0123456789";
  private static final String SUB = "pycart.orders";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int ORDERS = 40;

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
          new ProcessBuilder(PYTHON.toString(), "-c", "import pika, requests")
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
  void pythonOrdersArriveExactlyOnceAndDeadProducersAreResolvedBySignedCheckBacks()
      throws Exception {
    boolean required = "real".equalsIgnoreCase(System.getenv("RMS_TEST_INFRA"));
    Assumptions.assumeTrue(
        required || pythonReady(),
        "the Python example needs /usr/bin/python3 with pika and requests"
            + " (apt-get install python3-pika python3-requests)");
    TestInfra infra = TestInfra.get();
    String queue = infra.queuePrefix + SUB;
    infra.deleteAtExit(queue);
    int servicePort = TestInfra.freePort();
    int checkBackPort = TestInfra.freePort();
    String url = "http://127.0.0.1:" + servicePort;
    ConfigurableApplicationContext service =
        RmsApplication.application()
            .run(
                ServiceArgs.on(infra)
                    .with(
                        "--server.port=" + servicePort,
                        "--spring.datasource.hikari.maximum-pool-size=5",
                        "--rms.apps[0].id=pyshop",
                        "--rms.apps[0].api-keys[0]=pyshop-key",
                        "--rms.apps[0].produces[0]=py.order",
                        "--rms.apps[0].check-back-url=http://127.0.0.1:"
                            + checkBackPort
                            + "/rms/check-back",
                        "--rms.apps[0].check-back-secret=" + SECRET,
                        "--rms.apps[1].id=pycart",
                        "--rms.apps[1].api-keys[0]=pycart-key",
                        "--rms.subscriptions[0].name=" + SUB,
                        "--rms.subscriptions[0].topic=py.order",
                        "--rms.subscriptions[0].app=pycart",
                        "--rms.subscriptions[0].ack-timeout=20s",
                        "--rms.subscriptions[0].max-attempts=10",
                        "--rms.subscriptions[0].backoff.initial=200ms",
                        "--rms.subscriptions[0].backoff.max=1s",
                        "--rms.check-back.allow-loopback=true",
                        "--rms.check-back.after=2s",
                        "--rms.check-back.backoff.initial=1s",
                        "--rms.check-back.backoff.max=2s",
                        "--rms.recovery.interval=1s",
                        "--logging.level.root=WARN"));
    contexts.add(service);
    Path work = Files.createTempDirectory("rms-python");
    Path producerOut = work.resolve("producer.json");
    Path consumerOut = work.resolve("consumer.json");

    Process producer =
        python(
            work.resolve("producer.log"),
            "producer.py",
            "--url",
            url,
            "--api-key",
            "pyshop-key",
            "--secret",
            SECRET,
            "--topic",
            "py.order",
            "--check-back-port",
            String.valueOf(checkBackPort),
            "--db",
            work.resolve("orders.db").toString(),
            "--orders",
            String.valueOf(ORDERS),
            "--rollback-every",
            "5",
            "--die-every",
            "7",
            "--out",
            producerOut.toString());
    // orders 1..40: every 5th rolls back, so 32 commit
    int committed = ORDERS - ORDERS / 5;
    Process consumer =
        python(
            work.resolve("consumer.log"),
            "consumer.py",
            "--url",
            url,
            "--api-key",
            "pycart-key",
            "--subscription",
            SUB,
            "--queue",
            queue,
            "--amqp-host",
            infra.amqpHost,
            "--amqp-port",
            String.valueOf(infra.amqpPort),
            "--db",
            work.resolve("cart.db").toString(),
            "--expect",
            String.valueOf(committed),
            "--fail-every",
            "4",
            "--out",
            consumerOut.toString());

    awaitCheckBackListening(checkBackPort);
    assertThat(forgedCheckBack(checkBackPort)).isEqualTo(401);

    assertThat(producer.waitFor(180, TimeUnit.SECONDS)).as(log(work, "producer")).isTrue();
    assertThat(producer.exitValue()).as(log(work, "producer")).isZero();
    assertThat(consumer.waitFor(180, TimeUnit.SECONDS)).as(log(work, "consumer")).isTrue();
    assertThat(consumer.exitValue()).as(log(work, "consumer")).isZero();

    JsonNode produced = JSON.readTree(producerOut.toFile());
    JsonNode consumed = JSON.readTree(consumerOut.toFile());
    Set<Integer> committedOrders = ints(produced.get("committed"));
    List<Integer> applied = new ArrayList<>();
    consumed.get("applied").forEach(n -> applied.add(n.asInt()));
    assertThat(committedOrders).hasSize(committed);
    assertThat(applied).as("each committed order applied once").hasSize(committed);
    assertThat(new HashSet<>(applied)).isEqualTo(committedOrders);
    long failingFirst = committedOrders.stream().filter(n -> n % 4 == 0).count();
    assertThat(consumed.get("nacked").asInt())
        .as("first attempts nacked through the API, then redelivered")
        .isEqualTo((int) failingFirst);

    JdbcTemplate db = new JdbcTemplate(service.getBean(javax.sql.DataSource.class));
    assertThat(count(db, "DELIVERED")).isEqualTo(committed);
    assertThat(count(db, "CANCELLED")).isEqualTo(ORDERS - committed);
    assertThat(
            db.queryForObject(
                "select count(*) from message_event e join message m on m.id = e.message_id"
                    + " where m.app_id = 'pyshop' and e.type = 'CHECK_BACK'",
                Integer.class))
        .as("one check-back per order whose producer died (7, 14, ..., 35)")
        .isGreaterThanOrEqualTo(ORDERS / 7);
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

  private static int count(JdbcTemplate db, String status) {
    return db.queryForObject(
        "select count(*) from message where app_id = 'pyshop' and status = ?",
        Integer.class,
        status);
  }

  private static Set<Integer> ints(JsonNode array) {
    Set<Integer> set = new HashSet<>();
    array.forEach(n -> set.add(n.asInt()));
    return set;
  }

  private static String log(Path work, String name) {
    try {
      return name + " log:\n" + Files.readString(work.resolve(name + ".log"));
    } catch (IOException e) {
      return name + " log unreadable: " + e;
    }
  }

  private static void awaitCheckBackListening(int port) throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("the Python producer's check-back did not listen on " + port);
  }

  /** A check-back call signed with the wrong secret: the producer must refuse it. */
  private static int forgedCheckBack(int port) throws Exception {
    String body = "{\"messageId\":\"0193a5b2-7c1d-7e4f-8a9b-0c1d2e3f4a5b\"}";
    String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec("wrong-secret".getBytes(), "HmacSHA256"));
    String signature =
        "sha256="
            + java.util.HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes()));
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/rms/check-back"))
                    .header("X-RMS-Timestamp", timestamp)
                    .header("X-RMS-Signature", signature)
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return r.statusCode();
  }
}
