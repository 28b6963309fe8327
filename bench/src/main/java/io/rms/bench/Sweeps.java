package io.rms.bench;

import static io.rms.bench.Bench.log;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The closed-loop concurrency sweep every scenario runs (one window per concurrency, the best
 * window's rate and costs kept) and the report row a scenario's sweep, open loop and warm-up make.
 */
final class Sweeps {
  private final BenchContext ctx;

  Sweeps(BenchContext ctx) {
    this.ctx = ctx;
  }

  /** What one closed-loop window gave: its rate, the messages it cost, its errors. */
  record Window(double rate, long messages, long errors) {}

  /** A closed-loop window at concurrency {@code c}, ending once its messages are through. */
  @FunctionalInterface
  interface ClosedRun {
    Window run(int c) throws Exception;
  }

  /** The sweep's best window and its costs. */
  record Sweep(
      double best,
      int bestConcurrency,
      Db.Counters costs,
      Map<String, Double> cpuPerMsg,
      Map<String, Map<String, Double>> threadsPerMsg,
      java.util.List<Map<String, Object>> statementsPerMsg,
      double callsPerTx,
      double apiCallsPerMsg) {}

  Sweep sweep(ClosedRun closedRun) throws Exception {
    double best = 0;
    int bestConcurrency = 0;
    Db.Counters costs = null;
    Map<String, Double> cpuPerMsg = Map.of();
    Map<String, Map<String, Double>> threadsPerMsg = Map.of();
    java.util.List<Map<String, Object>> statementsPerMsg = java.util.List.of();
    double[] groupBefore = ctx.api.commitCalls();
    long messages = 0;
    for (int c : ctx.concurrency) {
      Db.Counters before = ctx.serviceDb.counters();
      Map<String, Double> cpuBefore = ctx.meter.read();
      Map<String, Map<String, Double>> threadsBefore = ctx.meter.readThreads();
      Map<Long, Statements.Row> statementsBefore = Statements.read(ctx.serviceDb);
      Window w = closedRun.run(c);
      Thread.sleep(1500); // let PostgreSQL flush its statistics
      Db.Counters delta = ctx.serviceDb.counters().minus(before);
      Map<String, Double> cpuAfter = ctx.meter.read();
      Map<String, Map<String, Double>> threadsAfter = ctx.meter.readThreads();
      Map<Long, Statements.Row> statementsAfter = Statements.read(ctx.serviceDb);
      log("  c=%-3d %8.0f/s  errors=%d  messages=%d", c, w.rate(), w.errors(), w.messages());
      messages += w.messages();
      if (w.rate() > best || costs == null) {
        best = w.rate();
        bestConcurrency = c;
        costs = perMessage(delta, w.messages());
        cpuPerMsg = CpuMeter.perMessage(cpuBefore, cpuAfter, w.messages());
        threadsPerMsg = CpuMeter.threadsPerMessage(threadsBefore, threadsAfter, w.messages());
        statementsPerMsg = Statements.perMessage(statementsBefore, statementsAfter, w.messages());
      }
    }
    double[] groupAfter = ctx.api.commitCalls();
    double transactions = groupAfter[0] - groupBefore[0];
    double callsPerTx = transactions > 0 ? (groupAfter[1] - groupBefore[1]) / transactions : 1;
    double apiCallsPerMsg = messages > 0 ? (groupAfter[2] - groupBefore[2]) / messages : 0;
    return new Sweep(
        best,
        bestConcurrency,
        costs,
        cpuPerMsg,
        threadsPerMsg,
        statementsPerMsg,
        callsPerTx,
        apiCallsPerMsg);
  }

  Map<String, Object> result(
      String label,
      Sweep sweep,
      double target,
      Map<String, Object> latency,
      Map<String, Object> warm) {
    Report report = ctx.report;
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("name", label);
    s.put("max_per_s", sweep.best());
    s.put("best_concurrency", sweep.bestConcurrency());
    s.put("ratio_to_A", sweep.best() / report.baselineA());
    s.put("ratio_to_B", sweep.best() / report.baselineB());
    s.put("open_loop_rate", target);
    s.put("latency", latency);
    s.put("commits_per_msg", (double) sweep.costs().commits() / 1000.0);
    s.put("wal_bytes_per_msg", (double) sweep.costs().walBytes() / 1000.0);
    s.put("publishes_per_msg", (double) sweep.costs().publishes() / 1000.0);
    s.put("cpu_ms_per_msg_by_party", sweep.cpuPerMsg());
    s.put("cpu_ms_per_msg_by_thread", sweep.threadsPerMsg());
    s.put("service_statements", sweep.statementsPerMsg());
    s.put("calls_per_tx", sweep.callsPerTx());
    s.put("api_calls_per_msg", sweep.apiCallsPerMsg());
    s.put("warmup", warm);
    return s;
  }

  /** Costs scaled to "per 1,000 messages" (divided again by 1,000 in the report). */
  private static Db.Counters perMessage(Db.Counters delta, long messages) {
    long m = Math.max(1, messages);
    return new Db.Counters(
        delta.commits() * 1000 / m, delta.walBytes() * 1000 / m, delta.publishes() * 1000 / m);
  }
}
