package io.rms.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Collects the figures and prints/writes them as one table, JSON and Markdown. */
final class Report {
  final Map<String, Object> machine = new LinkedHashMap<>();
  final Map<String, Object> baselines = new LinkedHashMap<>();
  final List<Map<String, Object>> scenarios = new ArrayList<>();
  final Map<String, Object> profile = new LinkedHashMap<>();

  /** The three JVMs of the {@code sdk} path recorded at once ({@link JfrRecordings}). */
  final Map<String, Object> sdkProfile = new LinkedHashMap<>();

  final Map<String, Object> postgres = new LinkedHashMap<>();

  /** The ordered scenario against the keyed one, and its ordering check (when they ran). */
  final Map<String, Object> ordering = new LinkedHashMap<>();

  /** The {@code replay} scenario's figures (when it ran). */
  final Map<String, Object> replay = new LinkedHashMap<>();

  /** The best rate of the scenario row {@code label} in this run, or null when it did not run. */
  Double bestRate(String label) {
    return scenarios.stream()
        .filter(s -> label.equals(s.get("name")))
        .map(s -> (Double) s.get("max_per_s"))
        .findFirst()
        .orElse(null);
  }

  double baselineA() {
    return (double) baselines.get("A_jdbc_inserts_per_s");
  }

  double baselineB() {
    return (double) baselines.get("B_rabbit_publishes_per_s");
  }

  /** The machine, the JVM, PostgreSQL's version and the run's settings. */
  void machine(double seconds, int[] concurrency) {
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put(
        "memory_gib",
        Math.round(
            ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                    .getTotalMemorySize()
                / (1024.0 * 1024 * 1024)));
    machine.put("java", System.getProperty("java.version"));
    machine.put("postgresql", postgres.get("version"));
    machine.put("load_average_at_start", loadAverage());
    machine.put("seconds_per_run", seconds);
    machine.put("concurrency", java.util.Arrays.toString(concurrency));
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  static Map<String, Object> latency(Histogram h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", h.getTotalCount());
    m.put("p50_ms", h.getValueAtPercentile(50) / 1000.0);
    m.put("p99_ms", h.getValueAtPercentile(99) / 1000.0);
    m.put("p999_ms", h.getValueAtPercentile(99.9) / 1000.0);
    m.put("max_ms", h.getMaxValue() / 1000.0);
    return m;
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    List<String> parties = parties();
    md.append(
            "| scenario | max/s (concurrency) | × A | at half load, p50 / p99 ms | CPU ms per message: ")
        .append(String.join(" / ", parties))
        .append(" |\n|---|---|---|---|---|\n");
    for (Map<String, Object> s : scenarios) {
      double max = (double) s.get("max_per_s");
      md.append("| ")
          .append(s.get("name"))
          .append(" | ")
          .append(fmt(max))
          .append(" (")
          .append(s.get("best_concurrency"))
          .append(") | ")
          .append(fmt2(max / baselineA()))
          .append(" | ")
          .append(latencies(s))
          .append(" | ")
          .append(cpu(s, parties))
          .append(" |\n");
    }
    md.append(
        "\nRates: `sdk` = messages the consumer app handled per second, `lifecycle`, `keyed`,"
            + " `ordered` = messages the harness's consumer acknowledged per second (until the last"
            + " ack), `sdk-generator` = orders committed per second, others = calls per second; best of"
            + " the closed-loop sweep. Latencies from an open-loop run at half that rate, timed from"
            + " each operation's intended start (`start->`), so queueing shows (no coordinated"
            + " omission).\n");
    ordering(md);
    invariants(md);
    traceExports(md);
    ReplayScenario.markdown(replay, md);
    md.append(
            "\n| scenario | commits/msg | WAL bytes/msg | publishes/msg | calls/tx | API calls/msg"
                + " |\n")
        .append("|---|---|---|---|---|---|\n");
    for (Map<String, Object> s : scenarios) {
      md.append("| ")
          .append(s.get("name"))
          .append(" | ")
          .append(fmt2((double) s.get("commits_per_msg")))
          .append(" | ")
          .append(fmt((double) s.get("wal_bytes_per_msg")))
          .append(" | ")
          .append(fmt2((double) s.get("publishes_per_msg")))
          .append(" | ")
          .append(fmt2((double) s.get("calls_per_tx")))
          .append(" | ")
          .append(fmt2((double) s.get("api_calls_per_msg")))
          .append(" |\n");
    }
    md.append(
        "\n(The service's database only: its commits, its instance's WAL, its publishes."
            + " calls/tx: single API calls per group-commit transaction. API calls/msg: HTTP requests"
            + " the service answered under /api/v1 per message, over the whole sweep: prepares,"
            + " confirms, cancels and acks, single or batched.)\n");
    if (!profile.isEmpty()) {
      md.append("\nWhere the service's CPU goes (JFR execution samples by layer, lifecycle closed")
          .append(" loop with 32 callers):\n\n| layer | share of samples |\n|---|---|\n");
      profile.forEach(
          (k, v) -> {
            if (v instanceof Double share
                && share > 0
                && !k.equals("lifecycles_per_s")
                && !k.equals("service_cpu_cores")) {
              md.append("| ").append(k).append(" | ").append(share).append(" % |\n");
            }
          });
      md.append("\n")
          .append(profile.get("samples"))
          .append(" samples; GC pauses ")
          .append(profile.get("gc_pause_ms"))
          .append(" ms; ")
          .append(fmt((double) profile.get("lifecycles_per_s")))
          .append(" lifecycles/s using ")
          .append(fmt2((double) profile.get("service_cpu_cores")))
          .append(" cores of service CPU.\n");
    }
    ThreadCpu.markdown(scenarios, md);
    Statements.markdown(scenarios, md);
    JfrRecordings.markdown(sdkProfile, md);
    md.append("\nBaseline A (raw single-row insert commits, 32 connections, on the service's")
        .append(" PostgreSQL instance): ")
        .append(fmt(baselineA()))
        .append("/s. Baseline B (raw persistent 1 KiB publishes, async confirms): ")
        .append(fmt(baselineB()))
        .append("/s.")
        .append(rawLatency())
        .append('\n');
    warmups(md);
    md.append("\nPostgreSQL ")
        .append(postgres.get("version"))
        .append(", ")
        .append(postgres.get("instances"))
        .append(": ")
        .append(settings())
        .append(".\n\nMachine: ")
        .append(machine)
        .append('\n');
    return md.toString();
  }

  @SuppressWarnings("unchecked")
  private String settings() {
    List<String> parts = new ArrayList<>();
    ((Map<String, String>) postgres.get("settings")).forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(", ", parts);
  }

  /** The CPU parties, in the order of the first scenario's figures. */
  @SuppressWarnings("unchecked")
  private List<String> parties() {
    for (Map<String, Object> s : scenarios) {
      Map<String, Double> p = (Map<String, Double>) s.get("cpu_ms_per_msg_by_party");
      if (p != null && !p.isEmpty()) {
        return new ArrayList<>(p.keySet());
      }
    }
    return List.of();
  }

  private void ordering(StringBuilder md) {
    if (ordering.containsKey("ratio")) {
      double ratio = (double) ordering.get("ratio");
      md.append("\nOrdered / keyed (the same lifecycle load with ")
          .append(ordering.get("ordering_keys"))
          .append(" ordering keys, best of each sweep in this run): ")
          .append(fmt((double) ordering.get("ordered_per_s")))
          .append(" / ")
          .append(fmt((double) ordering.get("keyed_per_s")))
          .append(" = **")
          .append(fmt2(ratio))
          .append("×**; target ≥ ")
          .append(ordering.get("target"))
          .append("× — ")
          .append(Boolean.TRUE.equals(ordering.get("met")) ? "met" : "**not met**")
          .append(".\n");
    }
    if (ordering.containsKey("inversions")) {
      long inversions = (long) ordering.get("inversions");
      md.append("\nOrdering check of `ordered`: ")
          .append(inversions == 0 ? "OK" : "**VIOLATED**")
          .append(" — ")
          .append(inversions)
          .append(" deliveries published before the previous message of their key was acked")
          .append(" (must be 0), of ")
          .append(ordering.get("pairs_checked"))
          .append(" consecutive pairs compared.\n");
    }
  }

  @SuppressWarnings("unchecked")
  private void invariants(StringBuilder md) {
    List<String> lines = new ArrayList<>();
    for (Map<String, Object> s : scenarios) {
      Map<String, Object> inv = (Map<String, Object>) s.get("invariants");
      if (inv != null) {
        lines.add(
            "- "
                + s.get("name")
                + ": "
                + (Boolean.TRUE.equals(inv.get("ok")) ? "OK" : "**VIOLATED**")
                + " — "
                + inv.get("committed")
                + " committed orders, "
                + inv.get("rolled_back")
                + " rolled back after send, "
                + inv.get("failed")
                + " failed; "
                + inv.get("handled")
                + " handled: lost "
                + inv.get("lost")
                + ", duplicated "
                + inv.get("duplicated")
                + ", phantom "
                + inv.get("phantom")
                + " (of rolled-back transactions "
                + inv.get("phantom_of_rolled_back")
                + ")");
      }
    }
    if (!lines.isEmpty()) {
      md.append("\nInvariants of the `sdk` runs (every committed order's message handled exactly")
          .append(" once, none of a rolled-back transaction):\n\n")
          .append(String.join("\n", lines))
          .append('\n');
    }
  }

  /** What the trace sink received during each tracing lever's row. */
  @SuppressWarnings("unchecked")
  private void traceExports(StringBuilder md) {
    for (Map<String, Object> s : scenarios) {
      Map<String, Object> t = (Map<String, Object>) s.get("trace_export");
      if (t != null) {
        long spans = ((Number) t.get("spans")).longValue();
        md.append("\nSpans exported during `")
            .append(s.get("name"))
            .append("`: ")
            .append(spans == 0 ? "**none — the tracing row FAILED**" : spans)
            .append(" — ")
            .append(t)
            .append('\n');
      }
    }
  }

  @SuppressWarnings("unchecked")
  private void warmups(StringBuilder md) {
    md.append(
            "\nWarm-up until steady (windows back to back until two differ by < 5% and the JVMs'"
                + " JIT compilers used < 0.1 core in the last one):\n\n")
        .append(
            "| scenario | seconds | steady | window rates/s | JIT cores per window | errors |\n"
                + "|---|---|---|---|---|---|\n");
    for (Map<String, Object> s : scenarios) {
      Map<String, Object> w = (Map<String, Object>) s.get("warmup");
      if (w != null) {
        md.append("| ")
            .append(s.get("name"))
            .append(" | ")
            .append(w.get("seconds"))
            .append(" | ")
            .append(Boolean.TRUE.equals(w.get("converged")) ? "yes" : "**no**")
            .append(" | ")
            .append(w.get("window_rates_per_s"))
            .append(" | ")
            .append(w.getOrDefault("window_jit_cores", "-"))
            .append(" | ")
            .append(w.get("errors"))
            .append(" |\n");
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static String cpu(Map<String, Object> s, List<String> parties) {
    Map<String, Double> byParty = (Map<String, Double>) s.get("cpu_ms_per_msg_by_party");
    List<String> parts = new ArrayList<>();
    for (String party : parties) {
      Double ms = byParty == null ? null : byParty.get(party);
      parts.add(ms == null ? "-" : fmt2(ms));
    }
    return String.join(" / ", parts);
  }

  @SuppressWarnings("unchecked")
  private String rawLatency() {
    Object raw = baselines.get("A_insert_latency");
    if (!(raw instanceof Map)) {
      return "";
    }
    Map<String, Object> m = (Map<String, Object>) raw;
    return " A single raw insert + commit at "
        + fmt(((Number) m.get("rate_per_s")).doubleValue())
        + "/s (open loop): p50 / p99 / p99.9 "
        + m.get("p50_ms")
        + " / "
        + m.get("p99_ms")
        + " / "
        + m.get("p999_ms")
        + " ms.";
  }

  @SuppressWarnings("unchecked")
  static String latencies(Map<String, Object> s) {
    Map<String, Map<String, Object>> lat = (Map<String, Map<String, Object>>) s.get("latency");
    List<String> parts = new ArrayList<>();
    lat.forEach(
        (call, m) -> parts.add(call + " " + ms(m.get("p50_ms")) + " / " + ms(m.get("p99_ms"))));
    return String.join("; ", parts);
  }

  private static String ms(Object v) {
    double d = ((Number) v).doubleValue();
    return String.format(Locale.ROOT, d < 10 ? "%.1f" : "%.0f", d);
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.0f", v);
  }

  static String fmt2(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  void write(Path dir, String stamp) throws IOException {
    Files.createDirectories(dir);
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("machine", machine);
    all.put("postgresql", postgres);
    all.put("baselines", baselines);
    all.put("scenarios", scenarios);
    all.put("profile", profile);
    all.put("sdk_profile", sdkProfile);
    all.put("ordering", ordering);
    JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    Files.writeString(dir.resolve(stamp + ".json"), json.writeValueAsString(all));
    String md = "# Benchmark " + stamp + "\n\n" + markdown();
    Files.writeString(dir.resolve(stamp + ".md"), md);
    Files.writeString(dir.resolve("latest.md"), md);
  }
}
