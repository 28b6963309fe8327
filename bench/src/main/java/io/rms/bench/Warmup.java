package io.rms.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Warm-up until the rate is steady and the JIT compilers are quiet: windows of load back to back
 * until two consecutive windows' rates differ by less than {@code tolerance} and the JVMs' compiler
 * threads used less than {@code maxJitCores} of a core in the last window, or until {@code
 * maxSeconds} have passed. A fresh JVM compiles its hot paths for minutes, and while it does its
 * compiler threads take CPU from every party on a small machine: a fixed warm-up, and one that
 * waited for a steady rate only, measured some runs half compiled.
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
  private final double maxJitCores;
  private final DoubleSupplier jitSeconds;

  /**
   * @param jitSeconds CPU seconds the JVMs' JIT compilers have used so far
   */
  Warmup(
      double windowSeconds,
      double maxSeconds,
      double tolerance,
      double maxJitCores,
      DoubleSupplier jitSeconds) {
    this.windowSeconds = windowSeconds;
    this.maxSeconds = maxSeconds;
    this.tolerance = tolerance;
    this.maxJitCores = maxJitCores;
    this.jitSeconds = jitSeconds;
  }

  /** Runs windows until steady; what happened, for the report. */
  Map<String, Object> untilSteady(String what, Window window) throws Exception {
    List<Double> rates = new ArrayList<>();
    List<Double> jitCores = new ArrayList<>();
    long errors = 0;
    long start = System.nanoTime();
    boolean converged = false;
    while (true) {
      double jitBefore = jitSeconds.getAsDouble();
      long windowStart = System.nanoTime();
      Sample sample = window.run(windowSeconds);
      double elapsed = Math.max(1e-6, (System.nanoTime() - windowStart) / 1e9);
      double jit = (jitSeconds.getAsDouble() - jitBefore) / elapsed;
      rates.add(sample.rate());
      jitCores.add(Math.round(jit * 100) / 100.0);
      errors += sample.errors();
      int n = rates.size();
      if (n >= 2 && jit < maxJitCores) {
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
    result.put("window_jit_cores", jitCores);
    result.put("errors", errors);
    Bench.log(
        "  warm-up %s: %s after %s s (window rates %s, JIT cores %s, %d errors)",
        what,
        converged ? "steady" : "NOT steady",
        result.get("seconds"),
        result.get("window_rates_per_s"),
        jitCores,
        errors);
    return result;
  }
}
