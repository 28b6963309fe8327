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

  double baselineA() {
    return (double) baselines.get("A_jdbc_inserts_per_s");
  }

  double baselineB() {
    return (double) baselines.get("B_rabbit_publishes_per_s");
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
    md.append(
        "| scenario | max ops/s (concurrency) | / baseline A | / baseline B | latency at 50% of max (p50 / p99 / p99.9 ms) | commits/msg | WAL bytes/msg | CPU ms/msg: service / PostgreSQL / RabbitMQ / generator | publishes/msg | calls/tx |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (Map<String, Object> s : scenarios) {
      double max = (double) s.get("max_per_s");
      md.append("| ")
          .append(s.get("name"))
          .append(" | ")
          .append(fmt(max))
          .append(" (")
          .append(s.get("best_concurrency"))
          .append(")")
          .append(" | ")
          .append(fmt2(max / baselineA()))
          .append(" | ")
          .append(fmt2(max / baselineB()))
          .append(" | ")
          .append(latencies(s))
          .append(" | ")
          .append(fmt2((double) s.get("commits_per_msg")))
          .append(" | ")
          .append(fmt((double) s.get("wal_bytes_per_msg")))
          .append(" | ")
          .append(cpu(s))
          .append(" | ")
          .append(fmt2((double) s.get("publishes_per_msg")))
          .append(" | ")
          .append(fmt2((double) s.get("calls_per_tx")))
          .append(" |\n");
    }
    if (!profile.isEmpty()) {
      md.append("\nWhere the service's CPU goes (JFR execution samples by layer, lifecycle closed")
          .append(" loop with 32 callers):\n\n| layer | share of samples |\n|---|---|\n");
      profile.forEach(
          (k, v) -> {
            if (v instanceof Double share && !k.equals("lifecycles_per_s")
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
    md.append("\nBaseline A (raw single-row insert commits, 32 connections): ")
        .append(fmt(baselineA()))
        .append("/s. Baseline B (raw persistent 1 KiB publishes, async confirms): ")
        .append(fmt(baselineB()))
        .append("/s.")
        .append(rawLatency())
        .append("\n\nMachine: ")
        .append(machine)
        .append('\n');
    return md.toString();
  }

  @SuppressWarnings("unchecked")
  private static String cpu(Map<String, Object> s) {
    Map<String, Double> parties = (Map<String, Double>) s.get("cpu_ms_per_msg_by_party");
    if (parties == null) {
      return fmt2((double) s.get("cpu_ms_per_msg"));
    }
    List<String> parts = new ArrayList<>();
    parties.values().forEach(ms -> parts.add(fmt2(ms)));
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
  private static String latencies(Map<String, Object> s) {
    Map<String, Map<String, Object>> lat = (Map<String, Map<String, Object>>) s.get("latency");
    List<String> parts = new ArrayList<>();
    lat.forEach(
        (call, m) ->
            parts.add(
                call + " " + m.get("p50_ms") + " / " + m.get("p99_ms") + " / " + m.get("p999_ms")));
    return String.join("; ", parts);
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
    all.put("baselines", baselines);
    all.put("scenarios", scenarios);
    all.put("profile", profile);
    JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    Files.writeString(dir.resolve(stamp + ".json"), json.writeValueAsString(all));
    String md = "# Benchmark " + stamp + "\n\n" + markdown();
    Files.writeString(dir.resolve(stamp + ".md"), md);
    Files.writeString(dir.resolve("latest.md"), md);
  }
}
