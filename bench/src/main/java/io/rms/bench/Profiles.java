package io.rms.bench;

import static io.rms.bench.Bench.log;
import static io.rms.bench.Housekeeping.drain;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's JDK Flight Recorder profiles: the three JVMs of the {@code sdk} path during one extra
 * closed-loop window, and the service during a {@code lifecycle} closed loop; each adds its
 * breakdown to the report.
 */
final class Profiles {
  private final BenchContext ctx;
  private final ApiScenarios apiScenarios;
  private final Housekeeping housekeeping;

  Profiles(BenchContext ctx, ApiScenarios apiScenarios, Housekeeping housekeeping) {
    this.ctx = ctx;
    this.apiScenarios = apiScenarios;
    this.housekeeping = housekeeping;
  }

  /**
   * Records the three JVMs of the {@code sdk} path (the service, the harness with the producer app
   * and the generator, the consumer app) with JDK Flight Recorder at once during one closed-loop
   * window at the sweep's highest concurrency and its drain, and adds each one's top frames and
   * layers to the report ({@link JfrRecordings}), with the window's rate and CPU per message.
   */
  void profileSdk() throws Exception {
    Sdk sdk = ctx.sdk;
    int c = ctx.warmupConcurrency();
    Map<String, Long> pids = new LinkedHashMap<>();
    pids.put(CpuMeter.SERVICE, ctx.service.pid());
    pids.put(CpuMeter.HARNESS, ProcessHandle.current().pid());
    pids.put(CpuMeter.CONSUMER_APP, ctx.consumerApp.pid());
    log("profile: sdk closed loop, %d callers, %.0f s, JFR in %s", c, ctx.seconds, pids);
    JfrRecordings recordings = JfrRecordings.start(pids, ctx.work);
    // measured with the recordings on, their start and stop left out
    Map<String, Double> cpuBefore = ctx.meter.read();
    long handledBefore = sdk.handled();
    long from = Sdk.now();
    Load.closed(c, ctx.seconds, sdk.op());
    long to = Sdk.now();
    double rate = sdk.handledBetween(from, to) / ((to - from) / 1e6);
    sdk.drain(30);
    Thread.sleep(1500);
    long messages = sdk.handled() - handledBefore;
    Map<String, Double> cpu = CpuMeter.perMessage(cpuBefore, ctx.meter.read(), messages);
    Map<String, Object> parties = JfrRecordings.summarize(recordings.stop());
    Map<String, Object> p = ctx.report.sdkProfile;
    p.put("concurrency", c);
    p.put("seconds", ctx.seconds);
    p.put("messages_per_s", rate);
    p.put("cpu_ms_per_msg_by_party", cpu);
    p.put("parties", parties);
    log("  %.0f/s; producer app's top frames by self %s", rate, topSelf(parties));
  }

  @SuppressWarnings("unchecked")
  private static Object topSelf(Map<String, Object> parties) {
    Map<String, Object> harness = (Map<String, Object>) parties.get(CpuMeter.HARNESS);
    return ((List<?>) harness.get("top_self")).stream().limit(5).toList();
  }

  /**
   * Records the service with JDK Flight Recorder during one closed-loop lifecycle run (32 callers)
   * and adds the CPU split by layer to the report.
   */
  void profile() throws Exception {
    ServiceProcess service = ctx.service;
    log(
        "profile: lifecycle closed loop, 32 callers, %.0f s, JFR in %d",
        ctx.seconds, service.pid());
    JfrRecordings recording =
        JfrRecordings.start(Map.of(CpuMeter.SERVICE, service.pid()), ctx.work);
    double cpuBefore = service.cpuSeconds();
    long ackedBefore = ctx.consumer.acked.get();
    Load.Run run = Load.closed(32, ctx.seconds, apiScenarios.op("lifecycle"));
    double cpu = service.cpuSeconds() - cpuBefore;
    Path jfr = recording.stop().get(CpuMeter.SERVICE);
    drain(ctx.consumer);
    Map<String, Object> split = Profile.breakdown(jfr);
    split.put("lifecycles_per_s", (ctx.consumer.acked.get() - ackedBefore) / run.seconds());
    split.put("service_cpu_cores", cpu / run.seconds());
    ctx.report.profile.putAll(split);
    log("  %s", split);
    housekeeping.purge();
  }
}
