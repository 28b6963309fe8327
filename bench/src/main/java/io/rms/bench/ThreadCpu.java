package io.rms.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.stream.Stream;

/**
 * A JVM party's CPU by thread group (Linux {@code /proc/<pid>/task/<tid>/stat} and {@code comm}),
 * so a party's cost per message can be told apart: its request threads, the SDK's senders, the JIT
 * compilers, the GC, the harness's own watching. Thread names are cut to 15 characters by the
 * kernel; digit runs are folded ({@code http-nio-8080-exec-7} → {@code http-nio-N-exec-N}) so a
 * pool is one group. A thread that ends between two readings takes its CPU with it: that share is
 * {@link #ENDED}, the process's own total minus its live threads'. The harness's load workers end
 * with their window, so they account for their own CPU ({@link #workerCpu}) and show as {@link
 * #LOAD_WORKERS}.
 */
final class ThreadCpu {
  static final String ENDED = "threads that ended";
  static final String LOAD_WORKERS = "bench load workers";
  static final String JIT = "JIT compilers";
  static final String GC = "GC";
  private static final String PROCESS = "(process)";
  private static final DoubleAdder WORKER_CPU = new DoubleAdder();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private ThreadCpu() {}

  /** Adds the calling thread's CPU since {@code startNanos} (its CPU time then) to the workers'. */
  static void workerCpu(long startNanos) {
    WORKER_CPU.add((THREADS.getCurrentThreadCpuTime() - startNanos) / 1e9);
  }

  /** The calling thread's CPU time so far, in nanoseconds. */
  static long currentThreadCpu() {
    return THREADS.getCurrentThreadCpuTime();
  }

  /**
   * CPU seconds so far by thread group of the process {@code pid}, with the process's total under a
   * key of its own; {@code harness} adds the load workers' own account.
   */
  static Map<String, Double> read(long pid, boolean harness) {
    Map<String, Double> groups = new TreeMap<>();
    if (pid <= 0) {
      return groups;
    }
    try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
      tasks.forEach(
          task -> {
            try {
              String name = Files.readString(task.resolve("comm")).strip();
              groups.merge(group(name), CpuMeter.seconds(task, false), Double::sum);
            } catch (IOException | RuntimeException gone) {
              // the thread ended while listed
            }
          });
    } catch (IOException | RuntimeException gone) {
      return groups;
    }
    groups.put(PROCESS, CpuMeter.seconds(pid));
    if (harness) {
      groups.put(LOAD_WORKERS, WORKER_CPU.sum());
    }
    return groups;
  }

  /**
   * Milliseconds per message by group between two readings of one process, largest first; the part
   * of the process's delta no live group explains is {@link #ENDED} (less the load workers').
   */
  static Map<String, Double> perMessage(
      Map<String, Double> before, Map<String, Double> after, long messages) {
    Map<String, Double> delta = new TreeMap<>();
    double explained = 0;
    for (Map.Entry<String, Double> e : after.entrySet()) {
      if (e.getKey().equals(PROCESS)) {
        continue;
      }
      double d = Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0.0));
      delta.put(e.getKey(), d);
      explained += d;
    }
    double process = after.getOrDefault(PROCESS, 0.0) - before.getOrDefault(PROCESS, 0.0);
    // the live threads' sum is explained less the load workers' account; the workers ended too, so
    // what ended otherwise is the process's delta less both
    delta.put(ENDED, Math.max(0, process - explained));
    double m = Math.max(1, messages);
    Map<String, Double> ms = new LinkedHashMap<>();
    delta.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> ms.put(e.getKey(), e.getValue() * 1000 / m));
    return ms;
  }

  /**
   * The report's section: each scenario's best window, per JVM party, its thread groups of at least
   * 0.01 ms per message, largest first.
   */
  @SuppressWarnings("unchecked")
  static void markdown(java.util.List<Map<String, Object>> scenarios, StringBuilder md) {
    StringBuilder rows = new StringBuilder();
    for (Map<String, Object> s : scenarios) {
      Map<String, Map<String, Double>> threads =
          (Map<String, Map<String, Double>>) s.get("cpu_ms_per_msg_by_thread");
      if (threads == null) {
        continue;
      }
      threads.forEach(
          (party, groups) -> {
            java.util.List<String> parts = new java.util.ArrayList<>();
            groups.forEach(
                (group, ms) -> {
                  if (ms >= 0.01) {
                    parts.add("`" + group + "` " + Report.fmt2(ms));
                  }
                });
            if (!parts.isEmpty()) {
              rows.append("| ")
                  .append(s.get("name"))
                  .append(" | ")
                  .append(party)
                  .append(" | ")
                  .append(String.join(", ", parts))
                  .append(" |\n");
            }
          });
    }
    if (rows.isEmpty()) {
      return;
    }
    md.append("\nCPU ms per message of each JVM by thread group (the best window of each sweep;")
        .append(" Linux per-thread counters, names cut to 15 characters and digits folded to N;")
        .append(" `")
        .append(ENDED)
        .append("`: threads gone before the window's end, other than the harness's load workers,")
        .append(" which count their own):\n\n| scenario | party | thread groups |\n|---|---|---|\n")
        .append(rows);
  }

  /** The group of a thread name: JIT compilers, GC, or the name with its digit runs folded. */
  static String group(String name) {
    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
      return JIT;
    }
    if (name.startsWith("GC Thread")
        || name.startsWith("G1 ")
        || name.startsWith("GC ")
        || name.startsWith("ZGC")
        || name.startsWith("Z ")) {
      return GC;
    }
    return name.replaceAll("\\d+", "N");
  }
}
