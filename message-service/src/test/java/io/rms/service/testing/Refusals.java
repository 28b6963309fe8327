package io.rms.service.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The tally of the security tests. Each attempt runs an action that must be refused (its own
 * assertions say how: status, code, nothing called) and compares the observed state before and
 * after it: a refusal changes nothing. {@link #report()} prints {@code <category>: n of n refused}
 * per category and fails when any attempt was not refused, so a test class that keeps one instance
 * and calls it in {@code @AfterAll} can only print "n of n".
 */
public final class Refusals {
  private final Map<String, int[]> tally = new LinkedHashMap<>();
  private final List<String> notRefused = new ArrayList<>();

  /** An attempt whose refusal leaves nothing to compare (e.g. nothing was called). */
  public void attempt(String category, String what, Runnable refusal) {
    attempt(category, what, () -> "", refusal);
  }

  /**
   * Runs {@code refusal}; it counts as refused when its assertions hold and {@code state} reads the
   * same before and after it. Anything else fails the calling test at once.
   */
  public synchronized void attempt(
      String category, String what, Supplier<?> state, Runnable refusal) {
    int[] counts = tally.computeIfAbsent(category, c -> new int[2]);
    counts[0]++;
    try {
      Object before = state.get();
      refusal.run();
      Object after = state.get();
      if (!Objects.equals(before, after)) {
        throw new AssertionError(
            "refused, but the state changed\n before: " + before + "\n after:  " + after);
      }
    } catch (AssertionError | RuntimeException e) {
      notRefused.add(category + ": " + what);
      throw new AssertionError("not refused: " + category + ": " + what + ": " + e.getMessage(), e);
    }
    counts[1]++;
  }

  /** How many attempts of the category were made so far. */
  public synchronized int attempts(String category) {
    int[] counts = tally.get(category);
    return counts == null ? 0 : counts[0];
  }

  /**
   * Prints one line per category and fails when an attempt was not refused or nothing was
   * attempted.
   */
  public synchronized void report() {
    StringBuilder lines = new StringBuilder();
    tally.forEach(
        (category, counts) ->
            lines
                .append(category)
                .append(": ")
                .append(counts[1])
                .append(" of ")
                .append(counts[0])
                .append(" refused\n"));
    System.out.print(lines);
    if (tally.isEmpty()) {
      throw new AssertionError("no refusal was attempted");
    }
    if (!notRefused.isEmpty()) {
      throw new AssertionError("not refused:\n  " + String.join("\n  ", notRefused));
    }
  }
}
