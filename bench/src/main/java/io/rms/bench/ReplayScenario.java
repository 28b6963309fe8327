package io.rms.bench;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code replay} scenario: what a paced replay does to the live traffic of its subscription.
 * The {@code sdk} flow (the producer app's business transactions, consumed by the consumer app on
 * {@code bench.sdk}) runs open loop at half the {@code sdk} row's rate twice: once plain, once
 * right after an operator started a replay of the subscription's history in this run (all acked by
 * then; the oldest {@code limit}, enough to outlast the live run at the pacing) on the same
 * subscription, paced by the service ({@code rms.replay.rate}). Its figures: commit → handler of
 * the live messages in each run (the replay's deliveries, which the consumer's inbox applies again
 * with their replay id, are left out: {@link HandledLatencies}), the replay's achieved rate while
 * the live load ran and overall, and the invariants of the live messages.
 */
final class ReplayScenario {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Sdk sdk;
  private final Api api;
  private final double seconds;
  private final int replayRate;
  private final Instant historyFrom;

  /**
   * {@code replayRate}: the pacing the service was started with ({@code rms.replay.rate}); {@code
   * historyFrom}: where the replayed window begins (the run's start: all of {@code bench.sdk}'s
   * history in this run).
   */
  ReplayScenario(Sdk sdk, Api api, double seconds, int replayRate, Instant historyFrom) {
    this.sdk = sdk;
    this.api = api;
    this.seconds = seconds;
    this.replayRate = replayRate;
    this.historyFrom = historyFrom;
  }

  /**
   * Runs it at half of {@code fullRate} (the {@code sdk} row's best rate; null: measured here with
   * one closed-loop window at {@code concurrency}).
   */
  Map<String, Object> run(Double fullRate, int concurrency) throws Exception {
    Bench.log("scenario replay: sdk flow at half load, plain, then beside a paced replay");
    sdk.drain(30);
    sdk.clear();
    double full = fullRate != null ? fullRate : closedRate(concurrency);
    double target = full / 2;
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("name", "replay");
    result.put("sdk_rate_per_s", full);
    result.put("open_loop_rate", target);

    Bench.log("  plain: open loop at %.0f/s for %.0f s", target, seconds);
    result.put("plain", figures(load(target)));
    Instant to = Instant.now();
    sdk.clear();

    // enough for the replay to outlast the live run at its pacing; the selection is the oldest
    int limit = (int) Math.min(100_000, Math.ceil(replayRate * (seconds + 2)));
    String replayId = "bench-replay-" + System.currentTimeMillis();
    JsonNode started =
        JSON.readTree(api.replay(Bench.SDK_SUBSCRIPTION, historyFrom, to, replayId, limit));
    Bench.log("  replay %s of [%s, %s), limit %d: %s", replayId, historyFrom, to, limit, started);
    long t0 = System.nanoTime();
    Bench.log("  beside the replay: open loop at %.0f/s for %.0f s", target, seconds);
    Recorder tx = load(target);
    double window = (System.nanoTime() - t0) / 1e9;
    JsonNode atLiveEnd = replay(replayId);

    JsonNode done = awaitDone(replayId, limit / (double) replayRate + 30);
    long replayed = done.get("replayed").asLong();
    long handled = awaitReplayedHandled(replayed);
    result.put("during_replay", figures(tx));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("replay_id", replayId);
    r.put("pacing_per_s", replayRate);
    r.put("limit", limit);
    r.put("selected", done.get("selected").asLong());
    r.put("replayed", replayed);
    r.put("skipped", done.get("skipped").asLong());
    r.put("state", done.get("state").asString());
    r.put("replayed_during_live_run", atLiveEnd.get("replayed").asLong());
    r.put("replayed_per_s_during_live_run", round(atLiveEnd.get("replayed").asLong() / window));
    r.put("running_at_live_run_end", "RUNNING".equals(atLiveEnd.get("state").asString()));
    r.put("replayed_per_s_overall", overallRate(done));
    r.put("replayed_handled_by_consumer", handled);
    result.put("replay", r);
    Bench.log("  replay %s", r);
    sdk.clear();
    return result;
  }

  /** One open-loop run at {@code target} (after a {@link Sdk#clear()}); its start → commit. */
  private Recorder load(double target) throws Exception {
    Recorder tx = new Recorder(3);
    Load.open(target, seconds, 512, sdk.timed(tx), total -> {});
    return tx;
  }

  /** The live latencies and the invariants of the open-loop run, once it is drained. */
  private Map<String, Object> figures(Recorder tx) throws Exception {
    sdk.drain(30);
    Map<String, Object> latency = new LinkedHashMap<>();
    for (Map.Entry<String, Histogram> e : sdk.latencies().entrySet()) {
      latency.put(e.getKey(), Report.latency(e.getValue()));
    }
    latency.put("start->commit", Report.latency(tx.getIntervalHistogram()));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("latency", latency);
    m.put("invariants", sdk.invariants());
    Bench.log("    %s", m);
    return m;
  }

  /** The rate of one closed-loop window of the sdk flow (when no sdk row ran before). */
  private double closedRate(int concurrency) throws Exception {
    Bench.log("  no sdk row in this run: one closed-loop window at %d for the rate", concurrency);
    long from = Sdk.now();
    Load.closed(concurrency, seconds, sdk.op());
    long to = Sdk.now();
    double rate = sdk.handledBetween(from, to) / ((to - from) / 1e6);
    sdk.drain(30);
    sdk.clear();
    Bench.log("    %.0f/s", rate);
    return rate;
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private JsonNode replay(String replayId) throws Exception {
    for (JsonNode r : JSON.readTree(api.replays(Bench.SDK_SUBSCRIPTION))) {
      if (replayId.equals(r.get("replayId").asString())) {
        return r;
      }
    }
    throw new IllegalStateException("replay " + replayId + " not listed");
  }

  private JsonNode awaitDone(String replayId, double maxSeconds) throws Exception {
    long deadline = System.nanoTime() + (long) (maxSeconds * 1e9);
    JsonNode r = replay(replayId);
    while (!"DONE".equals(r.get("state").asString()) && System.nanoTime() < deadline) {
      Thread.sleep(250);
      r = replay(replayId);
    }
    if (!"DONE".equals(r.get("state").asString())) {
      Bench.log("  replay %s not done after %.0f s: %s", replayId, maxSeconds, r);
    }
    return r;
  }

  /** Waits until the consumer handled {@code replayed} replayed deliveries, or 10 s bring none. */
  private long awaitReplayedHandled(long replayed) throws Exception {
    long last = -1;
    long lastChange = System.nanoTime();
    while (true) {
      long handled = sdk.replayedHandled();
      if (handled >= replayed) {
        return handled;
      }
      if (handled != last) {
        last = handled;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange > 10_000_000_000L) {
        Bench.log("  replayed deliveries handled: %d of %d", handled, replayed);
        return handled;
      }
      Thread.sleep(250);
    }
  }

  /** Replayed deliveries per second from the replay's start to its end; null while it runs. */
  private static Double overallRate(JsonNode done) {
    JsonNode finished = done.get("finishedAt");
    if (finished == null || finished.isNull()) {
      return null;
    }
    double secs =
        java.time.Duration.between(
                    Instant.parse(done.get("startedAt").asString()),
                    Instant.parse(finished.asString()))
                .toMillis()
            / 1000.0;
    return secs > 0 ? round(done.get("replayed").asLong() / secs) : null;
  }

  /** The replay scenario: live latency plain and beside a paced replay, the replay's rate. */
  @SuppressWarnings("unchecked")
  static void markdown(Map<String, Object> replay, StringBuilder md) {
    if (replay.isEmpty()) {
      return;
    }
    Map<String, Object> r = (Map<String, Object>) replay.get("replay");
    md.append("\nReplay (`sdk` flow open loop at ")
        .append(Report.fmt((double) replay.get("open_loop_rate")))
        .append("/s, half the sdk rate, on `bench.sdk`; replayed deliveries left out of the live")
        .append(" latency):\n\n| run | live latency p50 / p99 ms | invariants |\n|---|---|---|\n");
    for (String run : List.of("plain", "during_replay")) {
      Map<String, Object> m = (Map<String, Object>) replay.get(run);
      Map<String, Object> inv = (Map<String, Object>) m.get("invariants");
      md.append("| ")
          .append(run)
          .append(" | ")
          .append(Report.latencies(m))
          .append(" | ")
          .append(Boolean.TRUE.equals(inv.get("ok")) ? "OK" : "**VIOLATED**")
          .append(": ")
          .append(inv.get("committed"))
          .append(" committed, ")
          .append(inv.get("handled"))
          .append(" handled live, ")
          .append(inv.get("replayed"))
          .append(" replayed |\n");
    }
    md.append("\nThe replay: ").append(r).append('\n');
  }
}
