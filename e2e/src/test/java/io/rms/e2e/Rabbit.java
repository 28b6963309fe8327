package io.rms.e2e;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A second RabbitMQ node of its own ({@code e2e-<port>@localhost}) on non-default AMQP and
 * distribution ports, with its own mnesia, log and config directories and no plugins. Its data
 * survives a kill, so a restarted broker has the durable queues and persistent messages back.
 */
final class Rabbit implements AutoCloseable {
  final int port;
  final String node;
  private final Map<String, String> env;
  private final Path logDir;
  private Proc proc;

  Rabbit(Path base, Path logDir, int port, int distPort) {
    this.port = port;
    this.node = "e2e-" + port + "@localhost";
    this.logDir = logDir;
    Path dir = base.resolve("rabbit");
    try {
      Files.createDirectories(dir.resolve("mnesia"));
      Files.createDirectories(dir.resolve("log"));
      Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
      Files.writeString(
          dir.resolve("rabbitmq.conf"),
          "loopback_users = none\nlisteners.tcp.1 = 127.0.0.1:" + port + "\n");
      if (Postgres.root()) {
        new ProcessBuilder("chown", "-R", "rabbitmq:rabbitmq", dir.toString()).start().waitFor();
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    this.env =
        Map.of(
            "RABBITMQ_NODENAME", node,
            "RABBITMQ_NODE_PORT", Integer.toString(port),
            "RABBITMQ_DIST_PORT", Integer.toString(distPort),
            "RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString(),
            "RABBITMQ_LOG_BASE", dir.resolve("log").toString(),
            "RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq").toString(),
            "RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
  }

  void start() {
    proc = Proc.start("rabbitmq", List.of("rabbitmq-server"), env, logDir.resolve("rabbit.log"));
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        if (!proc.alive()) {
          throw new IllegalStateException("rabbitmq exited:\n" + proc.tail(40));
        }
        Harness.sleep(250);
      }
    }
    throw new IllegalStateException("rabbitmq not listening on " + port + ":\n" + proc.tail(40));
  }

  /** kill -9 of the Erlang VM (the node dies without closing anything). */
  void kill9() {
    proc.descendant(c -> c.endsWith("beam.smp"))
        .ifPresent(
            beam -> {
              beam.destroyForcibly();
              beam.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            });
    proc.kill9();
  }

  /** Raises (or clears) a memory alarm: the node blocks every publishing connection. */
  void memoryAlarm(boolean on) {
    ctl("set_vm_memory_high_watermark", on ? "0.0000001" : "0.4");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (alarmed() != on) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("memory alarm still " + !on);
      }
      Harness.sleep(200);
    }
  }

  /** True while the node has a memory alarm raised. */
  boolean alarmed() {
    return ctl("eval", "rabbit_alarm:get_alarms().").contains("memory");
  }

  private String ctl(String... args) {
    try {
      List<String> cmd = new java.util.ArrayList<>(List.of("rabbitmqctl", "-n", node));
      cmd.addAll(List.of(args));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(cmd + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (proc != null) {
      kill9();
    }
  }
}
