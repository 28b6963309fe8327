package io.rms.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU seconds used so far by each party sharing the machine (Linux {@code /proc}): the service,
 * each of the bench's PostgreSQL instances (its postmaster, every child of it and the children it
 * has already reaped, so backends that came and went count), the RabbitMQ node listening on 5672,
 * the harness's own JVM (the load generator, the bare-API consumer and the producer application)
 * and the consumer application's JVM. The difference of two readings divided by the messages in
 * between is each party's CPU cost per message.
 */
final class CpuMeter {
  static final String SERVICE = "service";
  static final String RABBIT = "RabbitMQ";
  static final String HARNESS = "producer app + generator";
  static final String CONSUMER_APP = "consumer app";

  private final Map<String, java.util.function.LongSupplier> parties = new LinkedHashMap<>();

  /**
   * The parties: the service (whose pid changes when a lever restarts it), the PostgreSQL instances
   * by name, and the consumer application.
   */
  CpuMeter(
      java.util.function.LongSupplier servicePid,
      Map<String, Postgres> instances,
      java.util.function.LongSupplier consumerAppPid) {
    parties.put(SERVICE, servicePid);
    instances.forEach((name, pg) -> parties.put(name, pg::postmasterPid));
    parties.put(RABBIT, () -> listening(5672));
    parties.put(HARNESS, () -> ProcessHandle.current().pid());
    parties.put(CONSUMER_APP, consumerAppPid);
  }

  /**
   * CPU seconds the JIT compilers (the threads named {@code C1/C2 CompilerThread…}) of the three
   * JVMs (service, harness, consumer app) have used so far: while they are busy the hot paths are
   * still being compiled, and every party's figures are not yet what a long-running one costs.
   */
  double jitSeconds() {
    return jitSeconds(parties.get(SERVICE).getAsLong())
        + jitSeconds(parties.get(HARNESS).getAsLong())
        + jitSeconds(parties.get(CONSUMER_APP).getAsLong());
  }

  private static double jitSeconds(long pid) {
    return ThreadCpu.read(pid, false).getOrDefault(ThreadCpu.JIT, 0.0);
  }

  /**
   * CPU seconds so far of each JVM party (service, harness, consumer app) by thread group ({@link
   * ThreadCpu}).
   */
  Map<String, Map<String, Double>> readThreads() {
    Map<String, Map<String, Double>> threads = new LinkedHashMap<>();
    for (String party : new String[] {SERVICE, HARNESS, CONSUMER_APP}) {
      threads.put(party, ThreadCpu.read(parties.get(party).getAsLong(), party.equals(HARNESS)));
    }
    return threads;
  }

  /** {@link ThreadCpu#perMessage} of each JVM party between two {@link #readThreads} readings. */
  static Map<String, Map<String, Double>> threadsPerMessage(
      Map<String, Map<String, Double>> before,
      Map<String, Map<String, Double>> after,
      long messages) {
    Map<String, Map<String, Double>> ms = new LinkedHashMap<>();
    after.forEach(
        (party, groups) ->
            ms.put(
                party,
                ThreadCpu.perMessage(before.getOrDefault(party, Map.of()), groups, messages)));
    return ms;
  }

  /**
   * CPU seconds per party so far. The harness is its own process only: the service and the consumer
   * app are its children, and counting its children (or the reaped ones, which a lever's restart
   * leaves) would count their CPU twice.
   */
  Map<String, Double> read() {
    Map<String, Double> cpu = new LinkedHashMap<>();
    parties.forEach(
        (party, pid) ->
            cpu.put(
                party,
                party.equals(HARNESS) ? seconds(pid.getAsLong()) : treeSeconds(pid.getAsLong())));
    return cpu;
  }

  /**
   * The process's CPU, its reaped children's and its live children's (a JVM has none; a postmaster
   * has its backends).
   */
  private static double treeSeconds(long pid) {
    if (pid <= 0) {
      return 0;
    }
    double total = seconds(Path.of("/proc", String.valueOf(pid)), true);
    total +=
        ProcessHandle.of(pid)
            .map(
                p ->
                    p.children()
                        .mapToDouble(
                            child -> seconds(Path.of("/proc", String.valueOf(child.pid())), true))
                        .sum())
            .orElse(0.0);
    return total;
  }

  /** The process listening on this local TCP port (IPv4 or IPv6), or -1. */
  static long listening(int port) {
    String hexPort = String.format(":%04X ", port);
    java.util.Set<String> inodes = new java.util.HashSet<>();
    for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      try {
        for (String line : Files.readAllLines(Path.of(table))) {
          String[] f = line.trim().split("\\s+");
          if (f.length > 9 && f[1].endsWith(hexPort.trim()) && f[3].equals("0A")) {
            inodes.add("socket:[" + f[9] + "]");
          }
        }
      } catch (IOException | RuntimeException e) {
        // no such table
      }
    }
    if (inodes.isEmpty()) {
      return -1;
    }
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(p -> holdsAny(p, inodes))
          .mapToLong(p -> Long.parseLong(p.getFileName().toString()))
          .min()
          .orElse(-1);
    } catch (IOException e) {
      return -1;
    }
  }

  private static boolean holdsAny(Path proc, java.util.Set<String> inodes) {
    try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
      return fds.anyMatch(
          fd -> {
            try {
              return inodes.contains(Files.readSymbolicLink(fd).toString());
            } catch (IOException | RuntimeException gone) {
              return false;
            }
          });
    } catch (IOException | RuntimeException gone) {
      return false;
    }
  }

  /** {@code after - before} per party, in milliseconds per message. */
  static Map<String, Double> perMessage(
      Map<String, Double> before, Map<String, Double> after, long messages) {
    Map<String, Double> ms = new LinkedHashMap<>();
    after.forEach(
        (party, s) ->
            ms.put(party, (s - before.getOrDefault(party, 0.0)) * 1000 / Math.max(1, messages)));
    return ms;
  }

  /** User + system CPU seconds the process has used so far (0 when it is gone). */
  static double seconds(long pid) {
    return pid <= 0 ? 0 : seconds(Path.of("/proc", String.valueOf(pid)), false);
  }

  /** utime + stime, plus cutime + cstime (its reaped children's) when {@code reaped}. */
  static double seconds(Path proc, boolean reaped) {
    try {
      String stat = Files.readString(proc.resolve("stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      if (reaped) {
        ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
      }
      return ticks / 100.0;
    } catch (IOException | RuntimeException gone) {
      return 0;
    }
  }
}
