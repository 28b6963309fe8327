package io.rms.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * The suite's broker: three RabbitMQ nodes of their own on this machine, clustered, for quorum
 * queues. Clients get all three addresses ({@link #addresses()}) and fail over in that order.
 *
 * <p>"The broker" of the older scenarios is the whole cluster: {@link #kill9()} kills every node
 * and {@link #start()} brings the dead ones back. A memory alarm is raised on the first node;
 * RabbitMQ blocks publishers on every node of a cluster while any node has one.
 */
final class RabbitCluster implements AutoCloseable {
  final List<Rabbit> nodes;

  RabbitCluster(Path base, Path logDir, int size) {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      ports.add(Harness.freePort());
    }
    List<String> names = ports.stream().map(Rabbit::nodeName).toList();
    List<Rabbit> list = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      list.add(
          new Rabbit(base, logDir, "rabbit-" + (i + 1), ports.get(i), Harness.freePort(), names));
    }
    this.nodes = List.copyOf(list);
  }

  /**
   * First boot: the first node alone, then the others at once, which find it running and join it.
   * Started all at once, two empty nodes could each form a cluster of their own.
   */
  void form() {
    nodes.get(0).start();
    startAll(nodes.subList(1, nodes.size()));
  }

  /**
   * Starts every node that is not running, all at once: a clustered node that was killed waits at
   * boot for the peers it last saw, so restarting them one after another would stall.
   */
  void start() {
    startAll(nodes.stream().filter(n -> !n.alive()).toList());
  }

  /** kill -9 of every node: the whole broker crashes. */
  void kill9() {
    nodes.forEach(Rabbit::kill9);
  }

  void memoryAlarm(boolean on) {
    nodes.get(0).memoryAlarm(on);
  }

  /** {@code host:port,...} of every node, the first node first. */
  String addresses() {
    return nodes.stream().map(n -> "127.0.0.1:" + n.port).collect(Collectors.joining(","));
  }

  Rabbit node(String name) {
    return nodes.stream()
        .filter(n -> n.node.equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + name));
  }

  /** A quorum queue's leader and the members that are online, as a running node sees them. */
  record QueueState(String leader, List<String> members, List<String> online) {}

  /** {@code queue}'s state from the first running node, or null if none answers. */
  QueueState queue(String queue) {
    for (Rabbit n : nodes) {
      if (!n.alive()) {
        continue;
      }
      String out;
      try {
        out =
            n.ctl(
                "list_queues", "--formatter", "json", "-q", "name", "leader", "members", "online");
      } catch (RuntimeException notAnswering) {
        continue;
      }
      for (JsonNode q : Harness.JSON.readTree(out.substring(out.indexOf('[')))) {
        if (queue.equals(q.path("name").asString())) {
          return new QueueState(
              q.path("leader").asString(), strings(q.path("members")), strings(q.path("online")));
        }
      }
    }
    return null;
  }

  /** Polls {@code queue} until {@code done} holds for its state; the last state seen otherwise. */
  QueueState awaitQueue(String queue, Predicate<QueueState> done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    QueueState state = queue(queue);
    while (state == null || !done.test(state)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("queue " + queue + " still " + state);
      }
      Harness.sleep(250);
      state = queue(queue);
    }
    return state;
  }

  /** AMQP connections that {@code node} serves (a client whose node dies has to fail over). */
  int connectionsOn(Rabbit node) {
    String out = node.ctl("eval", "length(rabbit_networking:local_connections()).");
    return Integer.parseInt(out.strip());
  }

  private static List<String> strings(JsonNode array) {
    List<String> list = new ArrayList<>();
    array.forEach(e -> list.add(e.asString()));
    return list;
  }

  /**
   * Starts the nodes in threads of their own (not a pool: on 2 cores it would run them in turn).
   */
  private static void startAll(List<Rabbit> toStart) {
    List<RuntimeException> failures = new CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (Rabbit n : toStart) {
      Thread t =
          new Thread(
              () -> {
                try {
                  n.start();
                } catch (RuntimeException e) {
                  failures.add(e);
                }
              },
              "start-" + n.node);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }

  @Override
  public void close() {
    kill9();
  }
}
