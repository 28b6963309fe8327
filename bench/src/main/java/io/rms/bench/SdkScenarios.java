package io.rms.bench;

import static io.rms.bench.Bench.log;

import io.rms.bench.Sweeps.Sweep;
import io.rms.bench.Sweeps.Window;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The scenarios of the users' path, the producer app's business transactions through the producer
 * SDK: {@code sdk} (consumed by the consumer app), {@code sdk-generator} (the same transactions
 * without the SDK's send), {@code pull} (consumed by a long-polling consumer) and {@code push}
 * (pushed to a receiver); rate, latency, CPU per message and invariants from the consumer's {@code
 * handled} table.
 */
final class SdkScenarios {
  /** Polling threads of the {@code pull} scenario's consumer (the consumer app listens with 8). */
  private static final int PULL_THREADS = 8;

  private final BenchContext ctx;
  private final Sweeps sweeps;
  private final Profiles profiles;

  SdkScenarios(BenchContext ctx, Sweeps sweeps, Profiles profiles) {
    this.ctx = ctx;
    this.sweeps = sweeps;
    this.profiles = profiles;
  }

  /**
   * The users' path: business transactions of the producer app (order row + SDK send, ~1% rolled
   * back after the send) consumed by the consumer app; the rate is what the consumer handled.
   */
  void sdkScenario(String label) throws Exception {
    Sdk sdk = ctx.sdk;
    log("scenario %s: warm-up, then closed-loop sweep %s", label, Arrays.toString(ctx.concurrency));
    sdk.drain(30);
    sdk.clear();
    Map<String, Object> warm =
        ctx.warmup.untilSteady(
            label,
            secs -> {
              long from = Sdk.now();
              Load.Run run = Load.closed(ctx.warmupConcurrency(), secs, sdk.op());
              long to = Sdk.now();
              return new Warmup.Sample(
                  sdk.handledBetween(from, to) / ((to - from) / 1e6), run.errors());
            });
    sdk.drain(30);
    sdk.clear();
    Sweep sweep =
        sweeps.sweep(
            c -> {
              long handledBefore = sdk.handled();
              long from = Sdk.now();
              Load.Run run = Load.closed(c, ctx.seconds, sdk.op());
              long to = Sdk.now();
              double rate = sdk.handledBetween(from, to) / ((to - from) / 1e6);
              sdk.drain(30);
              return new Window(rate, sdk.handled() - handledBefore, run.errors());
            });
    if (label.equals("sdk") && ctx.profiling) {
      profiles.profileSdk();
    }
    double target = sweep.best() / 2;
    log("  open loop at %.0f/s for %.0f s", target, ctx.seconds);
    Recorder tx = new Recorder(3);
    Load.open(target, ctx.seconds, 512, sdk.timed(tx), total -> {});
    sdk.drain(30);
    Map<String, Object> latency = new LinkedHashMap<>();
    for (Map.Entry<String, Histogram> e : sdk.latencies().entrySet()) {
      latency.put(e.getKey(), Report.latency(e.getValue()));
    }
    latency.put("start->commit", Report.latency(tx.getIntervalHistogram()));
    Map<String, Object> invariants = sdk.invariants();
    Map<String, Object> s = sweeps.result(label, sweep, target, latency, warm);
    s.put("invariants", invariants);
    ctx.report.scenarios.add(s);
    log("  latency %s", latency);
    log("  invariants %s", invariants);
    sdk.clear();
  }

  /**
   * The generator alone: the {@code sdk} scenario's business transactions (order row, commit, every
   * {@value Sdk#ROLLBACK_EVERY}th rolled back) placed by the same generator in the same producer
   * app, without the producer SDK's send; the rate is committed orders per second and CPU is per
   * committed order, so the {@code sdk} row's producer app + generator CPU minus this row's is what
   * the SDK costs the producer app per message.
   */
  void generatorScenario(String label) throws Exception {
    Sdk sdk = ctx.sdk;
    log("scenario %s: warm-up, then closed-loop sweep %s", label, Arrays.toString(ctx.concurrency));
    sdk.clear();
    Map<String, Object> warm =
        ctx.warmup.untilSteady(
            label,
            secs -> {
              Load.Run run = Load.closed(ctx.warmupConcurrency(), secs, sdk.opWithoutMessage());
              return new Warmup.Sample(run.rate(), run.errors());
            });
    sdk.clear();
    Sweep sweep =
        sweeps.sweep(
            c -> {
              long before = sdk.committed();
              Load.Run run = Load.closed(c, ctx.seconds, sdk.opWithoutMessage());
              long orders = sdk.committed() - before;
              return new Window(orders / run.seconds(), orders, run.errors());
            });
    double target = sweep.best() / 2;
    log("  open loop at %.0f/s for %.0f s", target, ctx.seconds);
    Recorder tx = new Recorder(3);
    Load.open(target, ctx.seconds, 512, sdk.timedWithoutMessage(tx), total -> {});
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("start->commit", Report.latency(tx.getIntervalHistogram()));
    ctx.report.scenarios.add(sweeps.result(label, sweep, target, latency, warm));
    log("  latency %s", latency);
    sdk.clear();
  }

  /**
   * The {@code sdk} load (the producer app's business transactions) on {@code bench.pull}, a pull
   * subscription, consumed by {@link io.rms.bench.consumer.PullConsumerApp} (a JVM of its own with
   * {@value #PULL_THREADS} long-polling threads, no AMQP client) instead of the consumer app: rate,
   * latency, CPU per message and invariants come from the same {@code handled} table as {@code
   * sdk}'s, so the two compare in one run.
   */
  void pullScenario(String label) throws Exception {
    ctx.httpConsumer =
        ConsumerProcess.startPull(
            ctx.consumerDb.url(), ctx.port, Bench.PULL_SUBSCRIPTION, PULL_THREADS, ctx.work);
    log("pull consumer pid %d (log %s)", ctx.httpConsumer.pid(), ctx.httpConsumer.log);
    sdkScenarioOn(Bench.PULL_TOPIC, label);
  }

  /**
   * The {@code sdk} load on {@link PushSubscription#TOPIC}, a push subscription the service pushes
   * to {@link io.rms.bench.consumer.PushReceiverApp} (a JVM of its own that verifies each push's
   * signature and writes inbox and effect in one transaction before answering 204) instead of the
   * consumer app: rate, commit → handler latency, CPU per message and invariants come from the same
   * {@code handled} table as {@code sdk}'s and {@code pull}'s, so the three compare in one run.
   */
  void pushScenario(String label) throws Exception {
    ctx.httpConsumer =
        ConsumerProcess.startPush(
            ctx.consumerDb.url(),
            ctx.push.port,
            ctx.push.secret(),
            PushSubscription.CONCURRENCY,
            ctx.work);
    log("push receiver pid %d (log %s)", ctx.httpConsumer.pid(), ctx.httpConsumer.log);
    sdkScenarioOn(PushSubscription.TOPIC, label);
  }

  /**
   * The {@code sdk} scenario with the producer app sending to {@code topic}, received by the HTTP
   * consumer just started ({@code ctx.httpConsumer}), which is stopped afterwards.
   */
  private void sdkScenarioOn(String topic, String label) throws Exception {
    try {
      ctx.sdk.producerWith(Map.of("bench.topic", topic));
      sdkScenario(label);
    } finally {
      ctx.sdk.producerWith(Map.of());
      ConsumerProcess consumer = ctx.httpConsumer;
      ctx.httpConsumer = null;
      consumer.close();
    }
  }
}
