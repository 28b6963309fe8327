package io.rms.e2e;

import io.rms.testsupport.PostgresBinaries;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A RabbitMQ node of its own ({@code e2e-<port>@localhost}) on non-default AMQP and distribution
 * ports, with its own mnesia, log and config directories and no plugins. Its data survives a kill,
 * so a restarted node has the durable queues and persistent messages back.
 *
 * <p>A node of a {@link RabbitCluster} lists its peers for the {@code classic_config} peer
 * discovery: at its first boot it joins the first of them that is running. The nodes share the
 * Erlang cookie of the user they run as (one {@code HOME}), so they and {@code rabbitmqctl} can
 * talk to each other.
 */
final class Rabbit implements AutoCloseable {
  final int port;
  final String node;
  private final String id;
  private final Map<String, String> env;
  private final Path logDir;
  private volatile Proc proc;

  Rabbit(Path base, Path logDir, String id, int port, int distPort, List<String> peers) {
    this.port = port;
    this.node = nodeName(port);
    this.id = id;
    this.logDir = logDir;
    Path dir = base.resolve(id);
    StringBuilder conf = new StringBuilder();
    conf.append("loopback_users = none\nlisteners.tcp.1 = 127.0.0.1:").append(port).append('\n');
    if (!peers.isEmpty()) {
      conf.append("cluster_formation.peer_discovery_backend = classic_config\n");
      for (int i = 0; i < peers.size(); i++) {
        conf.append("cluster_formation.classic_config.nodes.")
            .append(i + 1)
            .append(" = ")
            .append(peers.get(i))
            .append('\n');
      }
    }
    try {
      Files.createDirectories(dir.resolve("mnesia"));
      Files.createDirectories(dir.resolve("log"));
      Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
      Files.writeString(dir.resolve("rabbitmq.conf"), conf.toString());
      if (PostgresBinaries.root()) {
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

  static String nodeName(int port) {
    return "e2e-" + port + "@localhost";
  }

  /**
   * Starts the node and waits until it accepts AMQP connections. A cluster node opens its port only
   * once it has synced with its peers, which takes longer on the busy box than a single node.
   */
  void start() {
    proc = Proc.start(id, List.of("rabbitmq-server"), env, logDir.resolve(id + ".log"));
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
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

  boolean alive() {
    return proc != null && proc.alive();
  }

  /** kill -9 of the Erlang VM (the node dies without closing anything). */
  void kill9() {
    if (proc == null) {
      return;
    }
    proc.descendant(c -> c.endsWith("beam.smp"))
        .ifPresent(
            beam -> {
              beam.destroyForcibly();
              beam.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            });
    proc.kill9();
    proc = null;
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

  /** Runs {@code rabbitmqctl -n <this node> args}; its output, or an exception if it failed. */
  String ctl(String... args) {
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
    kill9();
  }
}
