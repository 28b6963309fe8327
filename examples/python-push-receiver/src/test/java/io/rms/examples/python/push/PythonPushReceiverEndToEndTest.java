package io.rms.examples.python.push;

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
import java.time.Duration;
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
 * The Python push receiver of {@code examples/python-push-receiver} as a separate process behind a
 * push subscription of the service (real PostgreSQL and RabbitMQ): every message arrives, each
 * signature verifies (first with one secret, then with two during a rotation), the receiver's 429
 * with Retry-After is pushed again with the same attempt, and a forged push is refused. CI ({@code
 * .ci/run} installs Debian's python3) always runs it; a machine without python3 skips it.
 */
class PythonPushReceiverEndToEndTest {
  private static final Path PYTHON = Paths.get("/usr/bin/python3");
  private static final Path SCRIPTS = Paths.get("").toAbsolutePath();
  private static final String SUB = "pyhook.orders";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int MESSAGES = 20;

  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
    contexts.forEach(ConfigurableApplicationContext::close);
  }

  @Test
  void everyPushArrivesSignedAndIsAckedAndAForgedPushIsRefused() throws Exception {
    boolean required = "real".equalsIgnoreCase(System.getenv("RMS_TEST_INFRA"));
    Assumptions.assumeTrue(
        required || Files.isExecutable(PYTHON), "the push receiver example needs /usr/bin/python3");
    TestInfra infra = TestInfra.get();
    infra.deleteAtExit(infra.queuePrefix + SUB);
    int servicePort = TestInfra.freePort();
    int receiverPort = TestInfra.freePort();
    String url = "http://127.0.0.1:" + servicePort;
    ConfigurableApplicationContext service =
        RmsApplication.application()
            .run(
                ServiceArgs.on(infra)
                    .database(infra.newDatabase("pypush"))
                    .with(
                        "--server.port=" + servicePort,
                        "--management.server.port=0",
                        "--spring.datasource.hikari.maximum-pool-size=5",
                        "--rms.apps[0].id=pyshop",
                        "--rms.apps[0].api-keys[0]=pyshop-key",
                        "--rms.apps[0].produces[0]=py.order",
                        "--rms.apps[1].id=pyhook",
                        "--rms.apps[1].api-keys[0]=pyhook-key",
                        "--rms.apps[2].id=pyadmin",
                        "--rms.apps[2].api-keys[0]=pyadmin-key",
                        "--rms.apps[2].roles[0]=ADMIN",
                        "--rms.subscriptions[0].name=" + SUB,
                        "--rms.subscriptions[0].topic=py.order",
                        "--rms.subscriptions[0].app=pyhook",
                        "--rms.subscriptions[0].delivery=push",
                        "--rms.subscriptions[0].push.url=http://127.0.0.1:"
                            + receiverPort
                            + "/push",
                        "--rms.subscriptions[0].push.timeout=5s",
                        "--rms.push.allowed-hosts[0]=127.0.0.1",
                        "--rms.recovery.interval=1s",
                        "--logging.level.root=WARN"));
    contexts.add(service);
    JdbcTemplate db = service.getBean(JdbcTemplate.class);
    String first = rotate(url);
    Path work = Files.createTempDirectory("rms-python-push");
    Path out = work.resolve("received.json");
    receiver(work, receiverPort, out, first);
    awaitListening(receiverPort);

    for (int i = 1; i <= MESSAGES / 2; i++) {
      send(url, i);
    }
    // a rotation: the service signs with both secrets, the receiver still knows only the first
    String second = rotate(url);
    assertThat(second).isNotEqualTo(first);
    for (int i = MESSAGES / 2 + 1; i <= MESSAGES; i++) {
      send(url, i);
    }

    JsonNode received = awaitApplied(out, MESSAGES, work);
    assertThat(received.get("refused").asInt()).as("pushes refused by the receiver").isZero();
    assertThat(received.get("busy").size()).as("429 answers (every 5th message)").isEqualTo(4);
    Set<Integer> orders = new HashSet<>();
    for (JsonNode applied : received.get("applied")) {
      orders.add(applied.get("payload").get("order").asInt());
      assertThat(applied.get("attempt").asString()).as("a 429 uses no attempt").isEqualTo("1");
    }
    assertThat(orders).hasSize(MESSAGES);
    awaitDelivered(db);
    assertThat(
            db.queryForObject(
                "select max(attempts) from delivery where subscription = ?", Integer.class, SUB))
        .isEqualTo(1);

    HttpResponse<String> forged =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiverPort + "/push"))
                .header("X-RMS-Timestamp", Long.toString(System.currentTimeMillis() / 1000))
                .header("X-RMS-Signature", "sha256=" + "0".repeat(64))
                .header("X-RMS-Message-Id", "0193a5b2-7c1d-7e4f-8a9b-0c1d2e3f4a5b")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"x\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(forged.statusCode()).isEqualTo(401);
  }

  private static String rotate(String url) throws Exception {
    HttpResponse<String> rotated =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(url + "/api/v1/admin/subscriptions/" + SUB + "/push-secrets/rotate"))
                .header("Authorization", "Bearer pyadmin-key")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
    return JSON.readTree(rotated.body()).get("secret").asString();
  }

  private static void send(String url, int order) throws Exception {
    HttpResponse<String> sent =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url + "/api/v1/messages/send"))
                .header("Authorization", "Bearer pyshop-key")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"topic\":\"py.order\",\"payload\":{\"order\":" + order + "}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(sent.statusCode()).as(sent.body()).isEqualTo(201);
  }

  private void receiver(Path work, int port, Path out, String secret) throws IOException {
    List<String> command =
        List.of(
            PYTHON.toString(),
            "-u",
            "receiver.py",
            "--port",
            String.valueOf(port),
            "--secret",
            secret,
            "--busy-every",
            "5",
            "--out",
            out.toString());
    processes.add(
        new ProcessBuilder(command)
            .directory(SCRIPTS.toFile())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("receiver.log").toFile())
            .start());
  }

  private static void awaitListening(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("the receiver did not listen on " + port);
  }

  private static JsonNode awaitApplied(Path out, int expected, Path work) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      if (Files.exists(out)) {
        last = JSON.readTree(Files.readString(out));
        if (last.get("applied").size() >= expected) {
          return last;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "the receiver applied "
            + (last == null ? 0 : last.get("applied").size())
            + " of "
            + expected
            + "; log: "
            + Files.readString(work.resolve("receiver.log")));
  }

  private static void awaitDelivered(JdbcTemplate db) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      Integer acked =
          db.queryForObject(
              "select count(*) from delivery where subscription = ? and status = 'ACKED'",
              Integer.class,
              SUB);
      if (acked != null && acked == MESSAGES) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not every delivery was acked");
  }
}
