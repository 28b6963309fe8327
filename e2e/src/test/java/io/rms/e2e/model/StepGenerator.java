package io.rms.e2e.model;

import io.rms.e2e.model.Step.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Draws a run's steps from its seed with fixed weights: mostly sends and handling, with every fault
 * of the issue mixed in. The same seed always gives the same list.
 */
final class StepGenerator {
  private static final Kind[] KINDS = {
    Kind.SEND,
    Kind.HANDLE,
    Kind.BURST,
    Kind.WAIT,
    Kind.CRASH,
    Kind.LATE,
    Kind.STRAY_NACK,
    Kind.DISCARD,
    Kind.REDELIVER,
    Kind.TOGGLE_ACTIVE,
    Kind.CHANGE_TOPIC,
    Kind.KILL_REPLICA
  };

  /** Weights of {@link #KINDS}, per thousand. */
  private static final int[] WEIGHTS = {250, 310, 40, 80, 40, 60, 35, 50, 45, 30, 30, 30};

  private StepGenerator() {}

  /** The steps of {@code seed}. */
  static List<Step> generate(long seed, int count) {
    return generate(seed, count, Set.of());
  }

  /**
   * The steps of {@code seed} without the kinds {@code left out} (their weight is 0), to tell which
   * kind of step a violation needs.
   */
  static List<Step> generate(long seed, int count, Set<Kind> leftOut) {
    Random random = new Random(seed);
    int[] weights = WEIGHTS.clone();
    int total = 0;
    for (int k = 0; k < KINDS.length; k++) {
      if (leftOut.contains(KINDS[k])) {
        weights[k] = 0;
      }
      total += weights[k];
    }
    List<Step> steps = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int r = random.nextInt(total);
      int k = 0;
      while (r >= weights[k]) {
        r -= weights[k++];
      }
      Kind kind = KINDS[k];
      int size =
          switch (kind) {
            case SEND -> 1 + random.nextInt(4);
            case HANDLE -> 1 + random.nextInt(6);
            case BURST -> 8 + random.nextInt(8);
            case WAIT -> 300 + random.nextInt(3200);
            default -> 1;
          };
      steps.add(new Step(i, kind, size, random.nextLong()));
    }
    return steps;
  }
}
