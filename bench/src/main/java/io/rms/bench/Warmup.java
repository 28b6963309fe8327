package io.rms.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Warm-up until the rate is steady: windows of load back to back until two consecutive windows'
 * rates differ by less than {@code tolerance}, or {@code maxSeconds} have passed. A fresh JVM
 * compiles its hot paths for minutes; a fixed warm-up measured some runs half compiled.
 */
final class Warmup {
  /** One window of load of {@code seconds}; returns its rate and failed operations. */
  @FunctionalInterface
  interface Window {
    Sample run(double seconds) throws Exception;
  }

  /** What one window gave. */
  record Sample(double rate, long errors) {}

  private final double windowSeconds;
  private final double maxSeconds;
  private final double tolerance;

  Warmup(double windowSeconds, double maxSeconds, double tolerance) {
    this.windowSeconds = windowSeconds;
    this.maxSeconds = maxSeconds;
    this.tolerance = tolerance;
  }

  /** Runs windows until steady; what happened, for the report. */
  Map<String, Object> untilSteady(String what, Window window) throws Exception {
    List<Double> rates = new ArrayList<>();
    long errors = 0;
    long start = System.nanoTime();
    boolean converged = false;
    while (true) {
      Sample sample = window.run(windowSeconds);
      rates.add(sample.rate());
      errors += sample.errors();
      int n = rates.size();
      if (n >= 2) {
        double last = rates.get(n - 1);
        double previous = rates.get(n - 2);
        if (Math.abs(last - previous) < tolerance * Math.max(last, previous)) {
          converged = true;
          break;
        }
      }
      if ((System.nanoTime() - start) / 1e9 + windowSeconds > maxSeconds) {
        break;
      }
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("what", what);
    result.put("seconds", Math.round((System.nanoTime() - start) / 1e8) / 10.0);
    result.put("converged", converged);
    result.put("window_rates_per_s", rates.stream().map(r -> (double) Math.round(r)).toList());
    result.put("errors", errors);
    Bench.log(
        "  warm-up %s: %s after %s s (window rates %s, %d errors)",
        what,
        converged ? "steady" : "NOT steady",
        result.get("seconds"),
        result.get("window_rates_per_s"),
        errors);
    return result;
  }
}
