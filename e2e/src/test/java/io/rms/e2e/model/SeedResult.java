package io.rms.e2e.model;

import io.rms.e2e.model.History.Violation;
import java.util.Comparator;
import java.util.List;

/**
 * One seed's outcome and its report: the violations, the steps up to the first one (the failing
 * prefix), the steps that touched each violation's key, and the whole step list.
 */
record SeedResult(
    long seed, ModelRun run, List<Step> steps, Step drain, List<Violation> violations) {

  String report() {
    StringBuilder b = new StringBuilder();
    b.append("seed ")
        .append(seed)
        .append(" (-Dmodel.seed=")
        .append(seed)
        .append(" -Dmodel.steps=")
        .append(steps.size())
        .append("), subscription ")
        .append(run.subscription())
        .append(", topics a=")
        .append(run.topics()[0])
        .append(" b=")
        .append(run.topics()[1])
        .append('\n');
    b.append(violations.size()).append(" violations\n");
    violations.stream()
        .sorted(Comparator.comparingInt(v -> v.step() < 0 ? Integer.MAX_VALUE : v.step()))
        .forEach(v -> b.append("  ").append(v).append('\n'));
    if (!violations.isEmpty()) {
      Violation first =
          violations.stream()
              .filter(v -> v.step() >= 0)
              .min(Comparator.comparingInt(Violation::step))
              .orElse(violations.get(0));
      int upTo = first.step() < 0 ? steps.size() : Math.min(first.step(), steps.size() - 1);
      b.append("\nfirst violation at step ").append(first.step()).append(": the steps up to it\n");
      for (int i = 0; i <= upTo && i < steps.size(); i++) {
        b.append("  ").append(steps.get(i)).append('\n');
      }
      for (Violation v : violations) {
        if (v.key() != null) {
          String label = v.key().substring(v.key().lastIndexOf('.') + 1);
          b.append("\nsteps that touched ").append(label).append(" (").append(v).append(")\n");
          for (Step s : steps) {
            if (s.toString().contains(label + " ") || s.toString().contains(label + "#")) {
              b.append("  ").append(s).append('\n');
            }
          }
        }
      }
    }
    b.append("\nall steps\n");
    steps.forEach(s -> b.append("  ").append(s).append('\n'));
    b.append("  ").append(drain).append(" (drain)\n");
    return b.toString();
  }
}
