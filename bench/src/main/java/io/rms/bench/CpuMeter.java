package io.rms.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU seconds used so far by each party sharing the machine (Linux {@code /proc}): the service, the
 * PostgreSQL server listening on 5432 (its postmaster and every child), the RabbitMQ node listening
 * on 5672 and this load generator. The difference of two readings divided by the messages in
 * between is each party's CPU cost per message. Other servers of the same kind on other ports are
 * left out.
 */
final class CpuMeter {
  static final String SERVICE = "service";
  static final String POSTGRES = "postgresql";
  static final String RABBIT = "rabbitmq";
  static final String GENERATOR = "generator";

  private CpuMeter() {}

  /** CPU seconds per party; the service is the process {@code servicePid}. */
  static Map<String, Double> read(long servicePid) {
    long postmaster = listening(5432);
    long rabbit = listening(5672);
    Map<String, Double> cpu = new LinkedHashMap<>();
    cpu.put(SERVICE, seconds(servicePid));
    cpu.put(POSTGRES, seconds(postmaster));
    cpu.put(RABBIT, seconds(rabbit));
    cpu.put(GENERATOR, seconds(ProcessHandle.current().pid()));
    if (postmaster > 0) {
      ProcessHandle.of(postmaster)
          .ifPresent(
              pm ->
                  pm.children()
                      .forEach(child -> cpu.merge(POSTGRES, seconds(child.pid()), Double::sum)));
    }
    return cpu;
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
    return pid <= 0 ? 0 : seconds(Path.of("/proc", String.valueOf(pid)));
  }

  private static double seconds(Path proc) {
    try {
      String stat = Files.readString(proc.resolve("stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException | RuntimeException gone) {
      return 0;
    }
  }
}
