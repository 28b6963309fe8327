package io.rms.bench;

import io.rms.bench.consumer.BenchConsumerApp;
import io.rms.bench.consumer.PullConsumerApp;
import io.rms.bench.consumer.PushReceiverApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A consumer as a JVM of its own: the {@code sdk} scenario's consumer application ({@link
 * BenchConsumerApp}), the {@code pull} scenario's pull consumer ({@link PullConsumerApp}) or the
 * {@code push} scenario's receiver ({@link PushReceiverApp}).
 */
final class ConsumerProcess implements AutoCloseable {
  private final Process process;
  final Path log;

  private ConsumerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts it with {@code jvm} on the harness's class path, with a lever's {@code properties} over
   * its own, and waits until its listeners run.
   */
  static ConsumerProcess start(
      Jvm jvm,
      String jdbcUrl,
      int servicePort,
      String queuePrefix,
      Map<String, String> properties,
      Path dir)
      throws IOException, InterruptedException {
    Path ready = dir.resolve("consumer-app.ready");
    List<String> cmd = java(jvm, BenchConsumerApp.class);
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
    properties.forEach((k, v) -> cmd.add("--" + k + "=" + v));
    return started(cmd, dir.resolve("consumer-app.log"), ready);
  }

  /**
   * The {@code pull} scenario's consumer ({@link PullConsumerApp}, {@code threads} polling threads
   * on {@code subscription}), started and waited for like the consumer app.
   */
  static ConsumerProcess startPull(
      String jdbcUrl, int servicePort, String subscription, int threads, Path dir)
      throws IOException, InterruptedException {
    Path ready = dir.resolve("pull-consumer.ready");
    List<String> cmd = java(Jvm.HARNESS, PullConsumerApp.class);
    cmd.add(jdbcUrl);
    cmd.add("http://127.0.0.1:" + servicePort);
    cmd.add(Bench.CONSUMER_KEY);
    cmd.add(subscription);
    cmd.add(Integer.toString(threads));
    cmd.add(ready.toString());
    return started(cmd, dir.resolve("pull-consumer.log"), ready);
  }

  /**
   * The {@code push} scenario's receiver ({@link PushReceiverApp} on {@code port}, {@code threads}
   * handler threads, verifying with {@code secret}), started and waited for like the consumer app.
   */
  static ConsumerProcess startPush(String jdbcUrl, int port, String secret, int threads, Path dir)
      throws IOException, InterruptedException {
    Path ready = dir.resolve("push-receiver.ready");
    List<String> cmd = java(Jvm.HARNESS, PushReceiverApp.class);
    cmd.add(jdbcUrl);
    cmd.add(Integer.toString(port));
    cmd.add(secret);
    cmd.add(Integer.toString(threads));
    cmd.add(ready.toString());
    return started(cmd, dir.resolve("push-receiver.log"), ready);
  }

  /** The command line's start: {@code jvm}, the heap, the harness's class path, {@code main}. */
  static List<String> java(Jvm jvm, Class<?> main) {
    List<String> cmd = new ArrayList<>(jvm.command());
    cmd.add("-Xmx512m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    return cmd;
  }

  private static ConsumerProcess started(List<String> cmd, Path log, Path ready)
      throws IOException, InterruptedException {
    Files.deleteIfExists(ready);
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ConsumerProcess consumer = new ConsumerProcess(p, log);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!Files.exists(ready)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        consumer.close();
        throw new IllegalStateException(
            "consumer did not start; see " + log + "\n" + Files.readString(log));
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
    stop(Duration.ofSeconds(30));
  }

  /**
   * Stops it with SIGTERM (its JVM runs its shutdown and, in an AOT training run, writes its cache)
   * and waits up to {@code timeout}; false when it had to be killed.
   */
  boolean stop(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      return false;
    }
    return true;
  }
}
