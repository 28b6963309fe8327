package io.rms.bench;

import java.util.HashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The live latencies of an open-loop run from the consumer's {@code handled} rows: per order key
 * the first handling of its live delivery, paired with the producer's stamps (intended start,
 * commit). Rows of a replay's deliveries ({@code replay_id} set: the consumer SDK's inbox applies a
 * message again for each replay) are counted but never paired, so a replay running beside the live
 * load cannot pass its old messages' handling off as live latency.
 */
final class HandledLatencies {
  /**
   * One {@code handled} row: the order's key, the handler's start (epoch µs), the replay or null.
   */
  record Row(String key, long handlerStartMicros, String replayId) {}

  private final Map<String, Long> firstLive = new HashMap<>();
  private long replayed;

  void add(Row row) {
    if (row.replayId() != null) {
      replayed++;
      return;
    }
    firstLive.merge(row.key(), row.handlerStartMicros(), Math::min);
  }

  /** Rows of replayed deliveries seen. */
  long replayed() {
    return replayed;
  }

  /**
   * Commit → handler and intended start → handler (µs) of the keys that have stamps (the open-loop
   * run's committed orders: key → {intended start, commit}, epoch µs).
   */
  Map<String, Histogram> histograms(Map<String, long[]> stamps) {
    Histogram commitToHandler = new Histogram(3);
    Histogram startToHandler = new Histogram(3);
    firstLive.forEach(
        (key, handlerStart) -> {
          long[] stamp = stamps.get(key);
          if (stamp != null && stamp[1] > 0) {
            commitToHandler.recordValue(Math.max(0, handlerStart - stamp[1]));
            startToHandler.recordValue(Math.max(0, handlerStart - stamp[0]));
          }
        });
    Map<String, Histogram> result = new java.util.LinkedHashMap<>();
    result.put("commit->handler", commitToHandler);
    result.put("start->handler", startToHandler);
    return result;
  }
}
