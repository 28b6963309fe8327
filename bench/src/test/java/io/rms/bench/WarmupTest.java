package io.rms.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class WarmupTest {

  /** Windows that take 20 ms each and report what {@code sample} gives. */
  private static Warmup.Window twentyMillis(Supplier<Warmup.Sample> sample) {
    return seconds -> {
      Thread.sleep(20);
      return sample.get();
    };
  }

  /** A warm-up whose JIT compilers are idle throughout. */
  private static Warmup warmup(double windowSeconds, double maxSeconds) {
    return new Warmup(windowSeconds, maxSeconds, 0.05, 0.1, () -> 0);
  }

  /** Windows that "take" no time and report the given rates in turn. */
  private static Warmup.Window rates(Double... rates) {
    Iterator<Double> next = List.of(rates).iterator();
    return seconds -> new Warmup.Sample(next.next(), 0);
  }

  @Test
  void stopsOnceTwoConsecutiveWindowsDifferByLessThanFivePercent() throws Exception {
    Map<String, Object> result =
        warmup(0.01, 60).untilSteady("x", rates(100.0, 300.0, 500.0, 520.0, 9.0));

    assertThat(result.get("converged")).isEqualTo(true);
    assertThat(result.get("window_rates_per_s")).isEqualTo(List.of(100.0, 300.0, 500.0, 520.0));
  }

  @Test
  void aDifferenceOfExactlyFivePercentIsNotYetSteady() throws Exception {
    Map<String, Object> result = warmup(0.01, 60).untilSteady("x", rates(100.0, 95.0, 95.5));

    assertThat(result.get("window_rates_per_s")).isEqualTo(List.of(100.0, 95.0, 96.0));
    assertThat(result.get("converged")).isEqualTo(true);
  }

  @Test
  void windowsThatNeverMoveAreNotCalledSteadyWhenNothingFlows() throws Exception {
    Warmup.Window idle = twentyMillis(() -> new Warmup.Sample(0, 1));

    Map<String, Object> result = warmup(0.02, 0.1).untilSteady("x", idle);

    assertThat(result.get("converged")).isEqualTo(false);
    assertThat((long) result.get("errors")).isGreaterThanOrEqualTo(2);
  }

  @Test
  void givesUpAtTheCapWhileTheRateStillClimbs() throws Exception {
    double[] rate = {100};
    Warmup.Window climbing = twentyMillis(() -> new Warmup.Sample(rate[0] *= 1.5, 0));

    Map<String, Object> result = warmup(0.02, 0.15).untilSteady("x", climbing);

    assertThat(result.get("converged")).isEqualTo(false);
    assertThat((double) result.get("seconds")).isLessThan(1.0);
  }

  @Test
  void aSteadyRateIsNotEnoughWhileTheCompilersAreBusy() throws Exception {
    Warmup.Window steady = twentyMillis(() -> new Warmup.Sample(500, 0));
    // the compilers use a whole core during the first three windows, then nothing
    double[] jit = {0};
    int[] reads = {0};
    DoubleSupplier compilers =
        () -> {
          if (reads[0]++ % 2 == 1 && reads[0] <= 6) {
            jit[0] += 0.02;
          }
          return jit[0];
        };

    Map<String, Object> result = new Warmup(0.02, 5, 0.05, 0.1, compilers).untilSteady("x", steady);

    assertThat(result.get("converged")).isEqualTo(true);
    assertThat((List<?>) result.get("window_rates_per_s")).hasSize(4);
    assertThat((List<Double>) result.get("window_jit_cores"))
        .first()
        .satisfies(cores -> assertThat(cores).isGreaterThan(0.1));
    assertThat((List<Double>) result.get("window_jit_cores")).last().isEqualTo(0.0);
  }
}
