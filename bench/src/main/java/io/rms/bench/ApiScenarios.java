package io.rms.bench;

import static io.rms.bench.Bench.log;
import static io.rms.bench.Housekeeping.drain;

import io.rms.bench.Sweeps.Sweep;
import io.rms.bench.Sweeps.Window;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.HdrHistogram.Recorder;

/**
 * The bare-API scenarios ({@code prepare}, {@code prepare-confirm}, {@code lifecycle}, {@code
 * keyed}, {@code ordered}, {@code send}): one HTTP call per step against the service, the harness's
 * own consumers acknowledging in batches, as a warm-up, a closed-loop sweep and an open loop.
 */
final class ApiScenarios {
  /** The scenarios whose rate is what the harness's consumer acknowledged. */
  private static final Set<String> ACKED_SCENARIOS = Set.of("lifecycle", "keyed", "ordered");

  private final BenchContext ctx;
  private final Sweeps sweeps;
  private final Housekeeping housekeeping;

  ApiScenarios(BenchContext ctx, Sweeps sweeps, Housekeeping housekeeping) {
    this.ctx = ctx;
    this.sweeps = sweeps;
    this.housekeeping = housekeeping;
  }

  /** A bare-API scenario: one HTTP call per step, the harness's own consumer acking in batches. */
  void apiScenario(String name, String variant) throws Exception {
    boolean byAcks = ACKED_SCENARIOS.contains(name);
    Consumer receiver = route(name).consumer();
    String label = name + variant;
    log("scenario %s: warm-up, then closed-loop sweep %s", label, Arrays.toString(ctx.concurrency));
    Map<String, Object> warm =
        ctx.warmup.untilSteady(
            label,
            secs -> {
              long ackedBefore = receiver.acked.get();
              Load.Run run = Load.closed(ctx.warmupConcurrency(), secs, op(name));
              double acked = (receiver.acked.get() - ackedBefore) / run.seconds();
              return new Warmup.Sample(byAcks ? acked : run.rate(), run.errors());
            });
    drain(receiver);
    housekeeping.cancelLeftPrepared();
    housekeeping.purge();
    Sweep sweep =
        sweeps.sweep(
            c -> {
              drain(receiver);
              long ackedBefore = receiver.acked.get();
              long started = System.nanoTime();
              Load.Run run = Load.closed(c, ctx.seconds, op(name));
              double rate = run.rate();
              long messages = run.operations();
              if (byAcks) {
                // the whole lifecycle's rate = what the consumer acknowledged, over the time until
                // the last of it was acked: deliveries held back (ordered) and acked after the
                // window count against the rate instead of vanishing in the drain
                drain(receiver);
                messages = receiver.acked.get() - ackedBefore;
                double until = Math.max(run.seconds(), (receiver.lastAckNanos - started) / 1e9);
                rate = Math.min(rate, messages / until);
              }
              return new Window(rate, messages, run.errors());
            });
    double target = sweep.best() / 2;
    log("  open loop at %.0f/s for %.0f s", target, ctx.seconds);
    drain(receiver);
    receiver.endToEnd.reset();
    Map<String, Recorder> recorders = new LinkedHashMap<>();
    for (String call : calls(name)) {
      recorders.put(call, new Recorder(3));
    }
    Load.open(target, ctx.seconds, 512, timed(name, recorders), total -> {});
    drain(receiver);
    Map<String, Object> latency = new LinkedHashMap<>();
    for (var e : recorders.entrySet()) {
      latency.put(e.getKey(), Report.latency(e.getValue().getIntervalHistogram()));
    }
    if (byAcks) {
      latency.put("confirm->receive", Report.latency(receiver.endToEnd.getIntervalHistogram()));
    }
    ctx.report.scenarios.add(sweeps.result(label, sweep, target, latency, warm));
    log("  latency %s", latency);
    housekeeping.cancelLeftPrepared();
    housekeeping.purge();
    if (name.equals("ordered")) {
      OrderingCheck.check(ctx.serviceDb, ctx.report, Bench.ORDERED_SUBSCRIPTION);
    }
  }

  Load.Op op(String name) {
    return switch (name) {
      case "prepare" -> intended -> ctx.leftPrepared.add(ctx.api.prepare(Bench.TOPIC));
      case "prepare-confirm", "lifecycle", "keyed", "ordered" ->
          intended -> {
            UUID id = prepare(name);
            if (ACKED_SCENARIOS.contains(name)) {
              ctx.confirmStarted.put(id, System.nanoTime());
            }
            ctx.api.confirm(id);
          };
      case "send" -> intended -> ctx.api.send(Bench.TOPIC);
      default -> throw new IllegalArgumentException("unknown scenario " + name);
    };
  }

  /**
   * Where a prepare-confirm scenario's messages go and who acknowledges them: {@code keyed} is
   * {@code lifecycle} with ordering keys on the same unordered subscription, {@code ordered} the
   * same load on the ordered one, so the two differ only in the ordering.
   */
  private record Route(String topic, Consumer consumer, boolean keyed) {}

  private Route route(String name) {
    return switch (name) {
      case "keyed" -> new Route(Bench.TOPIC, ctx.consumer, true);
      case "ordered" -> new Route(Bench.ORDERED_TOPIC, ctx.orderedConsumer, true);
      default -> new Route(Bench.TOPIC, ctx.consumer, false);
    };
  }

  /** Prepares the scenario's message; keys are drawn uniformly, so all are in use at once. */
  private UUID prepare(String name) {
    Route r = route(name);
    String key = r.keyed() ? "k-" + ThreadLocalRandom.current().nextInt(ctx.orderingKeys) : null;
    return ctx.api.prepare(r.topic(), key);
  }

  private static List<String> calls(String name) {
    return switch (name) {
      case "prepare" -> List.of("prepare");
      case "send" -> List.of("send");
      default -> List.of("prepare", "confirm");
    };
  }

  private Load.Op timed(String name, Map<String, Recorder> recorders) {
    return intended -> {
      switch (name) {
        case "prepare" -> {
          ctx.leftPrepared.add(ctx.api.prepare(Bench.TOPIC));
          recorders.get("prepare").recordValue((System.nanoTime() - intended) / 1000);
        }
        case "send" -> {
          ctx.api.send(Bench.TOPIC);
          recorders.get("send").recordValue((System.nanoTime() - intended) / 1000);
        }
        default -> {
          UUID id = prepare(name);
          long confirmStart = System.nanoTime();
          recorders.get("prepare").recordValue((confirmStart - intended) / 1000);
          if (ACKED_SCENARIOS.contains(name)) {
            ctx.confirmStarted.put(id, confirmStart);
          }
          ctx.api.confirm(id);
          recorders.get("confirm").recordValue((System.nanoTime() - confirmStart) / 1000);
        }
      }
    };
  }
}
