package io.rms.bench;

import io.rms.bench.consumer.BenchConsumerApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code sdk} scenario's consumer application ({@link BenchConsumerApp}) as a JVM of its own.
 */
final class ConsumerProcess implements AutoCloseable {
  private final Process process;
  final Path log;

  private ConsumerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts it on the harness's class path and waits until its listeners run. */
  static ConsumerProcess start(String jdbcUrl, int servicePort, String queuePrefix, Path dir)
      throws IOException, InterruptedException {
    Path log = dir.resolve("consumer-app.log");
    Path ready = dir.resolve("consumer-app.ready");
    Files.deleteIfExists(ready);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(BenchConsumerApp.class.getName());
    cmd.add("--spring.datasource.url=" + jdbcUrl);
    cmd.add("--spring.datasource.username=postgres");
    cmd.add("--spring.datasource.hikari.maximum-pool-size=16");
    cmd.add("--spring.rabbitmq.host=127.0.0.1");
    cmd.add("--spring.rabbitmq.port=5672");
    cmd.add("--rms.client.base-url=http://127.0.0.1:" + servicePort);
    cmd.add("--rms.client.api-key=" + Bench.CONSUMER_KEY);
    cmd.add("--rms.consumer.queue-prefix=" + queuePrefix);
    cmd.add("--bench.ready-file=" + ready);
    cmd.add("--logging.level.root=WARN");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ConsumerProcess consumer = new ConsumerProcess(p, log);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!Files.exists(ready)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        consumer.close();
        throw new IllegalStateException(
            "consumer app did not start; see " + log + "\n" + Files.readString(log));
      }
      Thread.sleep(200);
    }
    return consumer;
  }

  long pid() {
    return process.isAlive() ? process.pid() : -1;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
