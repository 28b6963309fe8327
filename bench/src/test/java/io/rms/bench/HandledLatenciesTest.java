package io.rms.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HandledLatenciesTest {

  @Test
  void aReplayedDeliveryNeverCountsAsTheLiveHandlingOfItsKey() {
    HandledLatencies rows = new HandledLatencies();
    // o-1 live at 1,500 µs; its replay was handled earlier in the table's order and later in time
    rows.add(new HandledLatencies.Row("o-1", 9_000, "bench-replay-1"));
    rows.add(new HandledLatencies.Row("o-1", 1_500, null));
    // o-2: only its replay was handled (the live delivery not yet): no live latency for it
    rows.add(new HandledLatencies.Row("o-2", 1_100, "bench-replay-1"));
    // o-3 handled live twice (a redelivery): its first handling counts
    rows.add(new HandledLatencies.Row("o-3", 2_400, null));
    rows.add(new HandledLatencies.Row("o-3", 2_200, null));
    // o-4: a replay of a message of an earlier run (no stamps here)
    rows.add(new HandledLatencies.Row("o-4", 50, "bench-replay-1"));

    Map<String, Histogram> h =
        rows.histograms(
            Map.of(
                "o-1", new long[] {900, 1_000},
                "o-2", new long[] {900, 1_000},
                "o-3", new long[] {1_900, 2_000}));

    Histogram commit = h.get("commit->handler");
    assertThat(commit.getTotalCount()).isEqualTo(2);
    assertThat(commit.getMinValue()).isEqualTo(200); // o-3: 2,200 - 2,000
    assertThat(commit.getMaxValue()).isEqualTo(500); // o-1: 1,500 - 1,000, not 9,000 - 1,000
    assertThat(h.get("start->handler").getMaxValue()).isEqualTo(600); // o-1: 1,500 - 900
    assertThat(rows.replayed()).isEqualTo(3);
  }

  @Test
  void keysWithoutACommitStampAreLeftOut() {
    HandledLatencies rows = new HandledLatencies();
    rows.add(new HandledLatencies.Row("o-1", 5_000, null));

    Map<String, Histogram> h = rows.histograms(Map.of("o-1", new long[] {1_000, 0}));

    assertThat(h.get("commit->handler").getTotalCount()).isZero();
  }
}
