package io.rms.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.RmsApplication;
import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.Refusals;
import io.rms.service.testing.ServiceArgs;
import io.rms.service.testing.TestInfra;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The heap attack of the security review, against the service running as a JVM of its own with a
 * 256 MiB heap: twelve concurrent bodies of 5 MB whose payload is an array of 1.7 million empty
 * objects, on prepare, send and batch prepare, first with a consumer's key, then with a producer's.
 * Before, each body was parsed into objects before the caller's rights and the payload limit were
 * checked, and the same attack made a 512 MiB heap throw OutOfMemoryErrors. Now every answer is a
 * 4xx problem+json (the consumer's 403 before its body is read, the producer's 413 from the
 * streamed payload or the parser's limits), or the body budget's {@code 429 overloaded}; the log
 * holds no OutOfMemoryError, and the service prepares a normal message afterwards.
 */
class HeapExhaustionRefusalTest {
  private static final Refusals refusals = new Refusals();
  private static final String CATEGORY = "request bodies that exhaust the heap";
  private static final List<String> CALLS =
      List.of("/api/v1/messages", "/api/v1/messages/send", "/api/v1/messages/batch/prepare");
  private static final int CONCURRENT = 12;

  private static Process service;
  private static Path log;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    TestInfra infra = TestInfra.get();
    String prefix = infra.queuePrefix + "heap.";
    for (String sub :
        List.of(
            "cart.order-created",
            "cart.fanout",
            "audit.fanout",
            "cart.delayed",
            "cart.claims",
            "cart.unroutable",
            "cart.ordered",
            "audit.ordered",
            "cart.poison")) {
      infra.deleteAtExit(prefix + sub);
    }
    port = TestInfra.freePort();
    int management = TestInfra.freePort();
    log = Files.createTempFile("rms-heap-", ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(RmsApplication.class.getName());
    command.addAll(
        List.of(
            ServiceArgs.on(infra)
                .database(infra.newDatabase("heap"))
                .queuePrefix(prefix)
                .with(
                    "--spring.profiles.active=itest",
                    "--server.port=" + port,
                    "--management.server.port=" + management)));
    service =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    awaitReady(management);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (service != null) {
        service.destroy();
        if (!service.waitFor(30, TimeUnit.SECONDS)) {
          service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } finally {
      refusals.report();
    }
  }

  @Test
  void twelveConcurrentBodiesOfEmptyObjectsAreRefusedWithoutExhaustingA256MibHeap()
      throws Exception {
    byte[] single = body(false);
    byte[] batch = body(true);
    assertThat(single.length).isBetween(5_000_000, 5 * 1024 * 1024 - 1);
    for (String app : List.of("cart", "orders")) {
      long started = System.nanoTime();
      List<HttpResponse<String>> answers = attack(app, single, batch);
      System.out.printf(
          "%s: answers %s in %d ms%n",
          app,
          answers.stream()
              .collect(
                  java.util.stream.Collectors.groupingBy(
                      HttpResponse::statusCode,
                      java.util.TreeMap::new,
                      java.util.stream.Collectors.counting())),
          (System.nanoTime() - started) / 1_000_000);
      for (int i = 0; i < answers.size(); i++) {
        HttpResponse<String> r = answers.get(i);
        String call = CALLS.get(i % CALLS.size());
        refusals.attempt(
            CATEGORY,
            "5 MB of [{},{},...] with " + app + "'s key on " + call + " (" + i + ")",
            () -> {
              assertThat(r.headers().firstValue("Content-Type").orElse(""))
                  .as(r.body())
                  .startsWith("application/problem+json");
              if (r.statusCode() == 429) {
                assertThat(r.body()).contains("\"code\":\"overloaded\"");
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
              } else {
                assertThat(r.statusCode()).as(r.body()).isEqualTo("cart".equals(app) ? 403 : 413);
              }
            });
      }
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    refusals.attempt(
        CATEGORY,
        "no OutOfMemoryError in the service's log",
        () -> assertThat(output).doesNotContain("OutOfMemoryError"));
    refusals.attempt(
        CATEGORY,
        "the service still prepares a normal message",
        () -> {
          assertThat(service.isAlive()).isTrue();
          Api orders = new Api(port, "orders-key");
          Response ok = orders.prepare("order.created", "payload", Map.of("n", 1));
          assertThat(ok.status()).as(ok.raw()).isEqualTo(201);
          assertThat(orders.post("/api/v1/messages/" + ok.id() + "/cancel").status())
              .isEqualTo(200);
        });
  }

  /** Twelve concurrent posts of the bodies, over the three calls, with {@code app}'s key. */
  private static List<HttpResponse<String>> attack(String app, byte[] single, byte[] batch)
      throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT);
    try {
      List<Future<HttpResponse<String>>> futures = new ArrayList<>();
      for (int i = 0; i < CONCURRENT; i++) {
        String call = CALLS.get(i % CALLS.size());
        byte[] body = call.endsWith("batch/prepare") ? batch : single;
        futures.add(
            pool.submit(
                () ->
                    http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + call))
                            .timeout(Duration.ofMinutes(2))
                            .header("Authorization", "Bearer " + app + "-key")
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())));
      }
      List<HttpResponse<String>> answers = new ArrayList<>();
      for (Future<HttpResponse<String>> f : futures) {
        answers.add(f.get(3, TimeUnit.MINUTES));
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }

  /** A prepare request (or a batch of one) whose payload is 5 MB of empty objects. */
  private static byte[] body(boolean batch) {
    int objects = 1_700_000;
    StringBuilder json = new StringBuilder(objects * 3 + 100);
    json.append(batch ? "{\"items\":[" : "").append("{\"topic\":\"order.created\",\"payload\":[");
    for (int i = 0; i < objects; i++) {
      json.append(i == 0 ? "{}" : ",{}");
    }
    json.append("]}").append(batch ? "]}" : "");
    return json.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static void awaitReady(int management) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      if (!service.isAlive()) {
        throw new IllegalStateException("the service exited:\n" + tail());
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + management + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("the service did not become ready:\n" + tail());
  }

  private static String tail() throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }
}
