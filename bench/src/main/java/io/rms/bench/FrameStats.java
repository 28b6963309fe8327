package io.rms.bench;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Execution samples aggregated by frame (a method, {@code class.method}): its self time (the
 * samples it was the innermost frame of) and its total time (the samples it was anywhere on the
 * stack of, each sample counted once however deep it recurses). The top frames by total leave out
 * what every thread passes through (thread entry points, reflection) and any frame whose samples
 * are nearly the same as a frame already listed (a wrapper around it, or a method it always calls),
 * so the list names different work rather than one call chain frame by frame.
 */
final class FrameStats {
  /** Two frames whose sample sets overlap this much (intersection over union) are one path. */
  static final double SAME_PATH = 0.9;

  /** Frames every thread passes through: never listed by total. */
  private static final List<String> PASS_THROUGH =
      List.of(
          "java.lang.Thread.",
          "java.lang.VirtualThread.",
          "java.util.concurrent.ThreadPoolExecutor",
          "java.util.concurrent.FutureTask.",
          "java.util.concurrent.ForkJoin",
          "java.util.concurrent.CompletableFuture$AsyncRun.",
          "java.lang.reflect.",
          "java.lang.invoke.",
          "jdk.internal.reflect.");

  private final Map<String, Long> self = new HashMap<>();
  private final Map<String, BitSet> present = new HashMap<>();

  /** Per frame, the sum over its samples of its depth (outermost occurrence; root = 0). */
  private final Map<String, Long> depths = new HashMap<>();

  private int samples;

  /** One sample's stack, innermost frame first, each as {@code class.method}. */
  void add(List<String> stack) {
    if (stack.isEmpty()) {
      return;
    }
    int sample = samples++;
    self.merge(stack.get(0), 1L, Long::sum);
    for (int i = stack.size() - 1; i >= 0; i--) {
      BitSet frame = present.computeIfAbsent(stack.get(i), f -> new BitSet());
      if (!frame.get(sample)) {
        frame.set(sample);
        depths.merge(stack.get(i), (long) (stack.size() - 1 - i), Long::sum);
      }
    }
  }

  int samples() {
    return samples;
  }

  /** The {@code n} frames with the most self samples: {@code frame} and {@code share} (%). */
  List<Map<String, Object>> topSelf(int n) {
    List<Map<String, Object>> top = new ArrayList<>();
    self.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(n)
        .forEach(e -> top.add(row(e.getKey(), e.getValue())));
    return top;
  }

  /**
   * The {@code n} frames with the most total samples, pass-through frames and frames on the same
   * path as one listed before left out: {@code frame}, {@code share} (%) and, when frames on its
   * path were left out, {@code down_to}, the deepest of them (where the path splits). Of frames
   * with as many samples, the one nearer the thread's root comes first (the entry into that work,
   * such as the JDBC call rather than the socket read under it).
   */
  List<Map<String, Object>> topTotal(int n) {
    List<Map.Entry<String, BitSet>> byTotal =
        present.entrySet().stream()
            .filter(e -> PASS_THROUGH.stream().noneMatch(e.getKey()::startsWith))
            .sorted(
                Comparator.<Map.Entry<String, BitSet>>comparingInt(e -> e.getValue().cardinality())
                    .reversed()
                    .thenComparingDouble(e -> depth(e.getKey()))
                    .thenComparing(Map.Entry.comparingByKey()))
            .toList();
    List<BitSet> listed = new ArrayList<>();
    List<Map<String, Object>> top = new ArrayList<>();
    for (Map.Entry<String, BitSet> e : byTotal) {
      BitSet frame = e.getValue();
      int same = -1;
      for (int i = 0; i < listed.size() && same < 0; i++) {
        if (samePath(frame, listed.get(i))) {
          same = i;
        }
      }
      if (same >= 0) {
        Map<String, Object> row = top.get(same);
        String deepest = (String) row.getOrDefault("down_to", row.get("frame"));
        if (depth(e.getKey()) > depth(deepest)) {
          row.put("down_to", e.getKey());
        }
      } else if (top.size() < n) {
        listed.add(frame);
        top.add(row(e.getKey(), frame.cardinality()));
      }
    }
    return top;
  }

  /** The frame's mean depth over its samples. */
  private double depth(String frame) {
    return (double) depths.get(frame) / present.get(frame).cardinality();
  }

  private static boolean samePath(BitSet a, BitSet b) {
    BitSet both = (BitSet) a.clone();
    both.and(b);
    BitSet either = (BitSet) a.clone();
    either.or(b);
    return both.cardinality() >= SAME_PATH * either.cardinality();
  }

  private Map<String, Object> row(String frame, long count) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("frame", frame);
    row.put("share", share(count, samples));
    return row;
  }

  /** {@code count} of {@code total} in percent, one decimal. */
  static double share(long count, long total) {
    return Math.round(count * 1000.0 / Math.max(1, total)) / 10.0;
  }
}
