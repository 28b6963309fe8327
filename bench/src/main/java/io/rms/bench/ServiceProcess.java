package io.rms.bench;

import io.rms.testsupport.RegistryArgs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The service under test, started as a separate JVM with production configuration. */
final class ServiceProcess implements AutoCloseable {
  private final Process process;
  final int port;
  final int managementPort;
  final Path log;

  private ServiceProcess(Process process, int port, int managementPort, Path log) {
    this.process = process;
    this.port = port;
    this.managementPort = managementPort;
    this.log = log;
  }

  /**
   * An actuator endpoint of the service ({@code health}, {@code prometheus}): the one place that
   * knows where the actuator is served (its own port, {@code management.server.port}).
   */
  String actuator(String endpoint) {
    return "http://127.0.0.1:" + managementPort + "/actuator/" + endpoint;
  }

  /**
   * Starts the service with {@code jvm} and {@code extraArgs} appended to its command line, and
   * waits until it is healthy.
   */
  static ServiceProcess start(
      Path jar,
      String jdbcUrl,
      int port,
      int managementPort,
      String queuePrefix,
      Path log,
      Jvm jvm,
      List<String> extraArgs)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(jvm.command());
    cmd.add("-Xmx1g");
    String extra = System.getenv("BENCH_SERVICE_JVM_ARGS");
    if (extra != null && !extra.isBlank()) {
      cmd.addAll(List.of(extra.trim().split("\\s+")));
    }
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.add("--server.port=" + port);
    cmd.add("--management.server.port=" + managementPort);
    cmd.add("--spring.datasource.url=" + jdbcUrl);
    cmd.add("--spring.datasource.username=postgres");
    cmd.add("--spring.rabbitmq.host=127.0.0.1");
    cmd.add("--spring.rabbitmq.port=5672");
    cmd.add("--rms.broker.queue-prefix=" + queuePrefix);
    cmd.addAll(
        new RegistryArgs()
            .app(
                "bench-producer",
                Bench.PRODUCER_KEY,
                "bench.topic",
                "bench.backlog",
                Bench.SDK_TOPIC,
                Bench.ORDERED_TOPIC,
                Bench.PULL_TOPIC,
                PushSubscription.TOPIC)
            .app("bench-consumer", Bench.CONSUMER_KEY)
            .app("bench-admin", Bench.ADMIN_KEY)
            .roles("ADMIN")
            .subscription("bench.sub", "bench.topic", "bench-consumer")
            .subscription("bench.backlog", "bench.backlog", "bench-consumer")
            .subscription(Bench.SDK_SUBSCRIPTION, Bench.SDK_TOPIC, "bench-consumer")
            .subscription(
                Bench.PULL_SUBSCRIPTION, Bench.PULL_TOPIC, "bench-consumer", "delivery=pull")
            // the ordered subscription is its topic's only one, so its rate is compared with
            // bench.sub's
            .subscription(
                Bench.ORDERED_SUBSCRIPTION, Bench.ORDERED_TOPIC, "bench-consumer", "ordered=true")
            .list());
    cmd.add("--logging.level.root=WARN");
    cmd.addAll(extraArgs);
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ServiceProcess service = new ServiceProcess(p, port, managementPort, log);
    service.awaitHealthy(Duration.ofMinutes(3));
    return service;
  }

  private void awaitHealthy(Duration timeout) throws InterruptedException, IOException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "service exited; see " + log + "\n" + Files.readString(log));
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(actuator("health"))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("UP")) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("service not healthy within " + timeout + "; see " + log);
  }

  /** User + system CPU seconds the service process has used so far (Linux /proc). */
  double cpuSeconds() {
    return CpuMeter.seconds(process.pid());
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() throws InterruptedException {
    stop(Duration.ofSeconds(30));
  }

  /**
   * Stops the service with SIGTERM (its JVM runs its shutdown and, in an AOT training run, writes
   * its cache) and waits up to {@code timeout}; false when it had to be killed.
   */
  boolean stop(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      return false;
    }
    return true;
  }
}
