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
 * while an operator's replay of the plain run's messages (acked by then) goes out again on the same
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

  /** {@code replayRate}: the pacing the service was started with ({@code rms.replay.rate}). */
  ReplayScenario(Sdk sdk, Api api, double seconds, int replayRate) {
    this.sdk = sdk;
    this.api = api;
    this.seconds = seconds;
    this.replayRate = replayRate;
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
    Instant from = Instant.now();
    result.put("plain", live(target));
    Instant to = Instant.now();
    sdk.clear();

    int limit = (int) Math.min(100_000, Math.ceil(replayRate * (seconds + 2)));
    String replayId = "bench-replay-" + System.currentTimeMillis();
    JsonNode started = JSON.readTree(api.replay(Bench.SDK_SUBSCRIPTION, from, to, replayId, limit));
    Bench.log("  replay %s of [%s, %s), limit %d: %s", replayId, from, to, limit, started);
    JsonNode before = awaitReplayed(replayId, 1, 10);
    long t0 = System.nanoTime();
    Bench.log("  beside the replay: open loop at %.0f/s for %.0f s", target, seconds);
    Map<String, Object> during = live(target);
    double window = (System.nanoTime() - t0) / 1e9;
    JsonNode after = replay(replayId);
    result.put("during_replay", during);

    JsonNode done = awaitDone(replayId, limit / (double) replayRate + 30);
    long replayed = done.get("replayed").asLong();
    long handled = awaitReplayedHandled(replayed);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("replay_id", replayId);
    r.put("pacing_per_s", replayRate);
    r.put("limit", limit);
    r.put("selected", done.get("selected").asLong());
    r.put("replayed", replayed);
    r.put("skipped", done.get("skipped").asLong());
    r.put("state", done.get("state").asString());
    r.put(
        "replayed_per_s_beside_live",
        (after.get("replayed").asLong() - before.get("replayed").asLong()) / window);
    r.put("replayed_per_s_overall", overallRate(done));
    r.put("replayed_handled_by_consumer", handled);
    result.put("replay", r);
    Bench.log("  replay %s", r);
    sdk.clear();
    return result;
  }

  /**
   * One open-loop run at {@code target} (after a {@link Sdk#clear()}): its live latencies and the
   * invariants.
   */
  private Map<String, Object> live(double target) throws Exception {
    Recorder tx = new Recorder(3);
    Load.open(target, seconds, 512, sdk.timed(tx), total -> {});
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

  private JsonNode replay(String replayId) throws Exception {
    for (JsonNode r : JSON.readTree(api.replays(Bench.SDK_SUBSCRIPTION))) {
      if (replayId.equals(r.get("replayId").asString())) {
        return r;
      }
    }
    throw new IllegalStateException("replay " + replayId + " not listed");
  }

  /** Waits until the replay has given {@code atLeast} deliveries a fresh cycle (or time is up). */
  private JsonNode awaitReplayed(String replayId, long atLeast, double maxSeconds)
      throws Exception {
    long deadline = System.nanoTime() + (long) (maxSeconds * 1e9);
    JsonNode r = replay(replayId);
    while (r.get("replayed").asLong() < atLeast && System.nanoTime() < deadline) {
      Thread.sleep(100);
      r = replay(replayId);
    }
    return r;
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
    return secs > 0 ? done.get("replayed").asLong() / secs : null;
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
