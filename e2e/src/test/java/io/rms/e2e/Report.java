package io.rms.e2e;

import io.rms.e2e.Checker.Figures;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Prints figures as Markdown table rows. */
final class Report {
  static final String HEADER =
      "| scenario | sent | committed | rolled back | delivered | lost | phantom | dup. effects"
          + " | redeliveries | dead | recovered after heal | max / p99 recovery (ms) | time (s) |\n"
          + "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";

  private Report() {}

  static String row(Figures f) {
    return String.format(
        Locale.ROOT,
        "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d / %d | %.1f |%n",
        f.scenario(),
        f.sent(),
        f.committed(),
        f.rolledBack(),
        f.delivered(),
        f.lost(),
        f.phantom(),
        f.duplicateEffects(),
        f.redeliveries(),
        f.dead(),
        f.affected(),
        f.recoveryMaxMs(),
        f.recoveryP99Ms(),
        f.seconds());
  }

  static String details(Figures f) {
    StringBuilder b = new StringBuilder();
    for (String n : f.notes()) {
      b.append("  - ").append(f.scenario()).append(": ").append(n).append('\n');
    }
    List<String> dead = f.deadReasons();
    for (int i = 0; i < Math.min(3, dead.size()); i++) {
      b.append("  - dead ").append(dead.get(i)).append('\n');
    }
    if (dead.size() > 3) {
      b.append("  - ... ").append(dead.size()).append(" dead in all\n");
    }
    for (String v : f.violations()) {
      b.append("  - VIOLATION ").append(v).append('\n');
    }
    return b.toString();
  }

  static String total(List<Figures> all, Duration elapsed) {
    long max = all.stream().mapToLong(Figures::recoveryMaxMs).max().orElse(0);
    long p99 = all.stream().mapToLong(Figures::recoveryP99Ms).max().orElse(0);
    return String.format(
        Locale.ROOT,
        "| **total (%d scenarios)** | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d / %d (worst) | %.1f |%n",
        all.size(),
        all.stream().mapToInt(Figures::sent).sum(),
        all.stream().mapToInt(Figures::committed).sum(),
        all.stream().mapToInt(Figures::rolledBack).sum(),
        all.stream().mapToInt(Figures::delivered).sum(),
        all.stream().mapToInt(Figures::lost).sum(),
        all.stream().mapToInt(Figures::phantom).sum(),
        all.stream().mapToInt(Figures::duplicateEffects).sum(),
        all.stream().mapToLong(Figures::redeliveries).sum(),
        all.stream().mapToInt(Figures::dead).sum(),
        all.stream().mapToInt(Figures::affected).sum(),
        max,
        p99,
        elapsed.toMillis() / 1000.0);
  }
}
