package io.rms.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Recorder;

/**
 * The {@code push} scenario's receiver: a JDK HttpServer on 127.0.0.1 behind the push subscription
 * {@value #SUBSCRIPTION} (concurrency 64, rate 10,000/s). It answers every push 204, which acks the
 * delivery, and records the time from the message's {@code createdAt} (the service's clock, on this
 * machine) to the push's arrival.
 */
final class PushSink implements AutoCloseable {
  static final String SUBSCRIPTION = "bench.push";
  static final String TOPIC = "bench.push.topic";
  private static final Pattern CREATED_AT = Pattern.compile("\"createdAt\"\\s*:\\s*\"([^\"]+)\"");

  final int port;
  final AtomicLong acked = new AtomicLong();
  final Recorder endToEnd = new Recorder(3);
  volatile long lastAckNanos;
  private final HttpServer server;

  PushSink() throws Exception {
    port = Bench.freePort();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
    server.setExecutor(Executors.newFixedThreadPool(64));
    server.createContext(
        "/push",
        exchange -> {
          String body = new String(exchange.getRequestBody().readAllBytes());
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
          Matcher created = CREATED_AT.matcher(body);
          if (created.find()) {
            long micros =
                java.time.Duration.between(Instant.parse(created.group(1)), Instant.now()).toNanos()
                    / 1000;
            endToEnd.recordValue(Math.max(0, micros));
          }
          acked.incrementAndGet();
          lastAckNanos = System.nanoTime();
        });
    server.start();
  }

  /** The service's arguments for the push target (a loopback host must be named to be allowed). */
  List<String> serviceArgs(int subscriptionIndex) {
    String s = "--rms.subscriptions[" + subscriptionIndex + "].";
    return List.of(
        "--rms.push.allowed-hosts[0]=127.0.0.1",
        s + "name=" + SUBSCRIPTION,
        s + "topic=" + TOPIC,
        s + "app=bench-consumer",
        s + "delivery=push",
        s + "push.url=http://127.0.0.1:" + port + "/push",
        s + "push.concurrency=64",
        s + "push.rate=10000");
  }

  /** Rotates the subscription's first signing secret in (a push subscription without one waits). */
  static void rotateSecret(int servicePort) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + servicePort
                                + "/api/v1/admin/subscriptions/"
                                + SUBSCRIPTION
                                + "/push-secrets/rotate"))
                    .header("Authorization", "Bearer " + Bench.ADMIN_KEY)
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    // 409: two secrets exist already (a restarted service on the same database)
    if (r.statusCode() != 200 && r.statusCode() != 409) {
      throw new IllegalStateException("push secret rotation answered " + r.statusCode());
    }
  }

  /** Waits until pushes stop arriving (at most 30 s). */
  void drain() throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    long last = -1;
    int still = 0;
    while (System.nanoTime() < deadline && still < 10) {
      long now = acked.get();
      still = now == last ? still + 1 : 0;
      last = now;
      Thread.sleep(50);
    }
  }

  @Override
  public void close() throws IOException {
    server.stop(0);
  }
}
