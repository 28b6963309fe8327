package io.rms.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JDK Flight Recorder recordings ({@code settings=profile}) of several JVMs at once, driven with
 * {@code jcmd} by pid: started together, dumped and stopped together, each summarized by {@link
 * Profile#party}. The harness records its own JVM the same way. Also writes the {@code sdk}
 * profile's section of the report.
 */
final class JfrRecordings {
  private static final String NAME = "bench";

  private final Map<String, Long> pids;
  private final Path dir;

  private JfrRecordings(Map<String, Long> pids, Path dir) {
    this.pids = pids;
    this.dir = dir;
  }

  /** Starts a recording in each JVM, by party name; the dumps go to {@code dir}. */
  static JfrRecordings start(Map<String, Long> pids, Path dir) throws Exception {
    JfrRecordings recordings = new JfrRecordings(new LinkedHashMap<>(pids), dir);
    for (long pid : pids.values()) {
      jcmd(pid, "JFR.start", "name=" + NAME, "settings=profile");
    }
    return recordings;
  }

  /**
   * Stops every recording, writing it out as it stops (so the writing is not sampled); the files by
   * party.
   */
  Map<String, Path> stop() throws Exception {
    Map<String, Path> files = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : pids.entrySet()) {
      Path jfr = dir.resolve("jfr-" + e.getValue() + "-" + System.nanoTime() + ".jfr");
      jcmd(e.getValue(), "JFR.stop", "name=" + NAME, "filename=" + jfr);
      files.put(e.getKey(), jfr);
    }
    return files;
  }

  /**
   * Each party's {@link Profile#party} summary (read in this JVM: call it after the CPU of the
   * recorded window is measured).
   */
  static Map<String, Object> summarize(Map<String, Path> files) throws Exception {
    Map<String, Object> parties = new LinkedHashMap<>();
    for (Map.Entry<String, Path> e : files.entrySet()) {
      parties.put(e.getKey(), Profile.party(e.getValue()));
    }
    return parties;
  }

  /** Runs {@code jcmd <pid> <command...>}; fails when it does. */
  private static void jcmd(long pid, String... command) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    cmd.add(String.valueOf(pid));
    cmd.addAll(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(
          "jcmd " + pid + " " + String.join(" ", command) + " failed: " + out);
    }
  }

  /** The section "Where each party's CPU goes" of the {@code sdk} profile, when one was taken. */
  @SuppressWarnings("unchecked")
  static void markdown(Map<String, Object> profile, StringBuilder md) {
    if (profile.isEmpty()) {
      return;
    }
    md.append("\n### Where each party's CPU goes, sdk at concurrency ")
        .append(profile.get("concurrency"))
        .append("\n\nJFR (`settings=profile`) in the three JVMs at once during one closed-loop")
        .append(" window of ")
        .append(profile.get("seconds"))
        .append(" s after the sweep and its drain: ")
        .append(Report.fmt(((Number) profile.get("messages_per_s")).doubleValue()))
        .append(" messages/s, CPU ms per message ")
        .append(cpu((Map<String, Double>) profile.get("cpu_ms_per_msg_by_party")))
        .append(" (recording on). Execution samples are of threads running Java code: the JIT")
        .append(" compilers, GC threads and native code are not in them. Self: samples whose")
        .append(" innermost frame is the method. Total:")
        .append(" samples with the method anywhere on the stack (thread entry points and")
        .append(" reflection left out, and frames on the same path as one listed above).\n");
    Map<String, Map<String, Object>> parties =
        (Map<String, Map<String, Object>>) profile.get("parties");
    parties.forEach(
        (party, p) -> {
          md.append("\n#### ")
              .append(party)
              .append("\n\n")
              .append(p.get("samples"))
              .append(" execution samples; GC pauses ")
              .append(p.get("gc_pause_ms"))
              .append(" ms.\n\n| top by self | % | top by total | % |\n|---|---|---|---|\n");
          List<Map<String, Object>> self = (List<Map<String, Object>>) p.get("top_self");
          List<Map<String, Object>> total = (List<Map<String, Object>>) p.get("top_total");
          for (int i = 0; i < Math.max(self.size(), total.size()); i++) {
            md.append("| ")
                .append(cell(self, i))
                .append(" | ")
                .append(cell(total, i))
                .append(" |\n");
          }
          md.append("\n| layer | % self | % total |\n|---|---|---|\n");
          Map<String, Double> layersSelf = (Map<String, Double>) p.get("layers_self");
          Map<String, Double> layersTotal = (Map<String, Double>) p.get("layers_total");
          layersTotal.forEach(
              (layer, share) -> {
                if (share > 0 || layersSelf.getOrDefault(layer, 0.0) > 0) {
                  md.append("| ")
                      .append(layer)
                      .append(" | ")
                      .append(layersSelf.get(layer))
                      .append(" | ")
                      .append(share)
                      .append(" |\n");
                }
              });
        });
  }

  private static String cpu(Map<String, Double> byParty) {
    List<String> parts = new ArrayList<>();
    byParty.forEach((party, ms) -> parts.add(party + " " + Report.fmt2(ms)));
    return String.join(", ", parts);
  }

  private static String cell(List<Map<String, Object>> rows, int i) {
    if (i >= rows.size()) {
      return " | ";
    }
    Map<String, Object> row = rows.get(i);
    Object downTo = row.get("down_to");
    return "`"
        + row.get("frame")
        + "`"
        + (downTo == null ? "" : " → `" + downTo + "`")
        + " | "
        + row.get("share");
  }
}
