package io.rms.bench;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The benchmark, on three PostgreSQL instances of its own (the service's, the producer
 * application's, the consumer application's) and the machine's RabbitMQ: baselines A (PostgreSQL
 * commits, on the service's instance) and B (RabbitMQ confirmed publishes); then each scenario,
 * warmed up until its rate is steady, as a closed-loop concurrency sweep and an open-loop run at
 * half its maximum; then the {@code sdk} and {@code lifecycle} scenarios again under each lever and
 * with a million finished messages and a due backlog in the service's tables.
 */
public final class Bench {
  static final String PRODUCER_KEY = "bench-producer-key";
  static final String CONSUMER_KEY = "bench-consumer-key";
  static final String ADMIN_KEY = "bench-admin-key";
  static final String SDK_TOPIC = io.rms.bench.producer.Orders.TOPIC;
  static final String SDK_SUBSCRIPTION = io.rms.bench.consumer.BenchConsumerApp.SUBSCRIPTION;
  static final String PULL_TOPIC = io.rms.bench.producer.Orders.PULL_TOPIC;
  static final String PULL_SUBSCRIPTION = "bench.pull";

  /** Polling threads of the {@code pull} scenario's consumer (the consumer app listens with 8). */
  private static final int PULL_THREADS = 8;

  private static final String TOPIC = "bench.topic";
  private static final String SUBSCRIPTION = "bench.sub";
  private static final String BACKLOG_SUBSCRIPTION = "bench.backlog";
  static final String ORDERED_TOPIC = "bench.ordered.topic";
  static final String ORDERED_SUBSCRIPTION = "bench.ordered";

  /** The scenarios whose rate is what the harness's consumer acknowledged. */
  private static final Set<String> ACKED_SCENARIOS = Set.of("lifecycle", "keyed", "ordered");

  /** The scenarios levers and the growth row apply to. */
  private static final List<String> MAIN_SCENARIOS = List.of("sdk", "lifecycle");

  /** The {@code service.name}s of one order's trace: producer app, service, consumer app. */
  private static final List<String> TRACE_PARTIES =
      List.of("bench-producer", "reliable-message-service", "bench-consumer");

  private final double seconds = Double.parseDouble(env("BENCH_SECONDS", "10"));
  private final int[] concurrency =
      Arrays.stream(env("BENCH_CONCURRENCY", "4,8,16,32,64").split(","))
          .mapToInt(s -> Integer.parseInt(s.trim()))
          .toArray();
  private final List<String> scenarioNames =
      List.of(env("BENCH_SCENARIOS", "sdk,pull,lifecycle,prepare,send").split(","));
  private final int orderingKeys = Integer.parseInt(env("BENCH_ORDERING_KEYS", "1000"));
  private final long growthRows = Long.parseLong(env("BENCH_GROWTH_ROWS", "1000000"));
  private final long backlog = Long.parseLong(env("BENCH_BACKLOG", "100000"));
  private final List<String> leverNames =
      List.of(env("BENCH_LEVERS", "no-group-commit,no-producer-batching,java25").split(","));
  private final Path java25 = Path.of(env("BENCH_JAVA25", "/usr/lib/jvm/temurin-25-jdk-amd64"));

  /** JFR profiles: the service during {@code lifecycle}, the three JVMs during {@code sdk}. */
  private final boolean profiling = !env("BENCH_PROFILE", "1").equals("0");

  /** The service's replay pacing ({@code rms.replay.rate}; 100 is its default). */
  private final int replayRate = Integer.parseInt(env("BENCH_REPLAY_RATE", "100"));

  /** When the run started: the {@code replay} scenario replays the history since. */
  private final java.time.Instant started = java.time.Instant.now();

  private final Warmup warmup =
      new Warmup(
          Double.parseDouble(env("BENCH_WARMUP_WINDOW", "5")),
          Double.parseDouble(env("BENCH_WARMUP_MAX", "180")),
          0.05,
          0.1,
          () -> this.meter == null ? 0 : this.meter.jitSeconds());
  private final Report report = new Report();
  private final Map<UUID, Long> confirmStarted = new ConcurrentHashMap<>();

  /** Messages the prepare-only scenario left PREPARED; cancelled after it (not measured). */
  private final java.util.Queue<UUID> leftPrepared =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  private final AtomicBoolean closed = new AtomicBoolean();
  private final List<Postgres> instances = new ArrayList<>();
  private Path work;
  private Db serviceDb;
  private String prefix;
  private Path jar;
  private int port;
  private int managementPort;
  private ServiceProcess service;
  private Lever serviceLever;
  private Api api;
  private Consumer consumer;
  private Consumer orderedConsumer;
  private ConsumerProcess consumerApp;

  /**
   * The {@code pull} scenario's consumer or the {@code push} scenario's receiver while it runs (the
   * consumer party's CPU then).
   */
  private volatile ConsumerProcess httpConsumer;

  private Db consumerDb;
  private Sdk sdk;
  private PushSubscription push;
  private TraceSink traces;
  private CpuMeter meter;

  /** The lever the consumer app runs with (it restarts when a lever changes it). */
  private Lever consumerLever;

  /** The {@code aot} lever's caches, trained before its rows. */
  private AotCaches aot;

  /** Lever rows that should have exported spans and did not. */
  private final List<String> exportFailures = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    new Bench().run(Path.of(args[0]), Path.of(args[1]));
  }

  private void run(Path jar, Path resultsDir) throws Exception {
    String stamp =
        LocalDateTime.now(java.time.ZoneOffset.UTC)
            .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    this.jar = jar;
    prefix = "bench-" + stamp + ".rms.sub.";
    work = Files.createTempDirectory("rms-bench-");
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    aot =
        new AotCaches(
            work.resolve("aot"),
            Double.parseDouble(env("BENCH_AOT_TRAINING", "30")),
            java.time.Clock.systemUTC());
    Thread cleanup = new Thread(this::closeAll, "bench-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      Postgres servicePg = instance("service");
      Postgres producerPg = instance("producer");
      Postgres consumerPg = instance("consumer");
      serviceDb = servicePg.createDatabase("rms");
      Db producerDb = producerPg.createDatabase("producer");
      consumerDb = consumerPg.createDatabase("consumer");
      Map<String, Postgres> byParty = new LinkedHashMap<>();
      byParty.put("service PostgreSQL", servicePg);
      byParty.put("producer PostgreSQL", producerPg);
      byParty.put("consumer PostgreSQL", consumerPg);
      meter =
          new CpuMeter(
              () -> service == null ? -1 : service.pid(),
              byParty,
              () -> {
                ConsumerProcess http = httpConsumer;
                ConsumerProcess c = http != null ? http : consumerApp;
                return c == null ? -1 : c.pid();
              });
      report.postgres.put("version", servicePg.db("postgres").queryString("show server_version"));
      report.postgres.put(
          "instances", "3 (service, producer app, consumer app), each with these settings");
      report.postgres.put("settings", servicePg.effectiveSettings());
      report.machine(seconds, concurrency);

      baselines(stamp);

      port = freePort();
      managementPort = freePort();
      push = new PushSubscription();
      traces = new TraceSink(TRACE_PARTIES);
      startService(Lever.NONE);
      push.rotateSecret(port);
      startConsumerApp(Lever.NONE);
      int maxConcurrency = Arrays.stream(concurrency).max().orElse(16);
      sdk = new Sdk(producerDb, consumerDb, port, Math.min(250, maxConcurrency + 16));
      sdk.producerWith(Map.of());
      consumer = new Consumer(prefix + SUBSCRIPTION, SUBSCRIPTION, api, confirmStarted, 4);
      orderedConsumer =
          new Consumer(prefix + ORDERED_SUBSCRIPTION, ORDERED_SUBSCRIPTION, api, confirmStarted, 4);

      for (String name : scenarioNames) {
        scenario(name.trim(), "");
      }
      OrderingCheck.orderedToKeyed(report, orderingKeys);
      if (scenarioNames.contains("lifecycle") && profiling) {
        profile();
      }
      for (String name : leverNames) {
        if (name.isBlank() || name.equals("none")) {
          continue;
        }
        Lever lever = Lever.named(name.trim(), java25, traces.endpoint());
        if (lever.javaHome() != null && !Files.isExecutable(lever.javaHome().resolve("bin/java"))) {
          log("lever %s skipped: no JVM at %s", lever.label(), lever.javaHome());
          continue;
        }
        apply(lever);
        for (String s : mainScenarios()) {
          traces.reset();
          scenario(s, " [" + lever.label() + "]");
          String label = s + " [" + lever.label() + "]";
          if (lever.exportsTraces() && !traces.addTo(report, label)) {
            exportFailures.add(label);
          }
          if (lever.trainedCaches()) {
            report.scenarios.get(report.scenarios.size() - 1).put("aot_caches", aot.facts());
          }
        }
      }
      if (growthRows > 0 && !mainScenarios().isEmpty()) {
        apply(Lever.NONE);
        log("seeding %d finished messages and %d due deliveries", growthRows, backlog);
        long t0 = System.nanoTime();
        Growth.seed(serviceDb, growthRows, backlog);
        log("  seeded in %.0f s", (System.nanoTime() - t0) / 1e9);
        for (String s : mainScenarios()) {
          scenario(s, " (+" + growthRows + " finished, " + backlog + " due)");
        }
      }
      System.out.println();
      System.out.println(report.markdown());
      report.write(resultsDir, stamp);
      log("written %s/%s.{json,md} and latest.md", resultsDir, stamp);
      if (!exportFailures.isEmpty()) {
        throw new IllegalStateException("exported no spans: " + exportFailures);
      }
    } finally {
      closeAll();
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs (and finds everything closed)
      }
    }
  }

  private List<String> mainScenarios() {
    return MAIN_SCENARIOS.stream().filter(scenarioNames::contains).toList();
  }

  private Postgres instance(String name) throws Exception {
    Postgres pg = Postgres.start(name, work);
    instances.add(pg);
    log("PostgreSQL %s on port %d (postmaster pid %d)", name, pg.port, pg.postmasterPid());
    return pg;
  }

  private void baselines(String stamp) throws Exception {
    log("baseline A: raw JDBC inserts, 32 connections, %.0f s", seconds);
    Load.Run a = Baselines.jdbcInserts(serviceDb, 32, seconds);
    report.baselines.put("A_jdbc_inserts_per_s", a.rate());
    log("  %.0f commits/s", a.rate());
    double rawRate = Double.parseDouble(env("BENCH_RAW_LATENCY_RATE", "1000"));
    log("baseline A latency: raw inserts at %.0f/s (open loop), %.0f s", rawRate, seconds);
    Map<String, Object> rawLatency =
        Report.latency(Baselines.jdbcInsertLatency(serviceDb, rawRate, seconds));
    rawLatency.put("rate_per_s", rawRate);
    report.baselines.put("A_insert_latency", rawLatency);
    log("  %s", rawLatency);
    log("baseline B: raw RabbitMQ persistent 1 KiB publishes, async confirms, %.0f s", seconds);
    Load.Run b = Baselines.rabbitPublishes("bench-" + stamp + ".raw", seconds);
    report.baselines.put("B_rabbit_publishes_per_s", b.rate());
    log("  %.0f publishes/s", b.rate());
  }

  /** Restarts what the lever changes (the service, the producer app, the consumer app). */
  private void apply(Lever lever) throws Exception {
    if (lever.trainedCaches() && aot.state() == AotCaches.State.UNTRAINED) {
      trainAot(lever);
    }
    if (!lever.sameService(serviceLever)) {
      service.close();
      startService(lever);
    }
    sdk.producerWith(lever.producerProperties());
    if (!lever.sameConsumerApp(consumerLever)) {
      consumerApp.close();
      startConsumerApp(lever);
    }
  }

  /**
   * Trains the AOT caches of a lever that uses them, before its rows and outside their warm-up: the
   * service and the consumer app started with {@code -XX:AOTCacheOutput}, the {@code sdk} load
   * through them for {@code BENCH_AOT_TRAINING} seconds, then both stopped with SIGTERM, so their
   * JVMs write the caches; {@link #apply} then restarts both with them.
   */
  private void trainAot(Lever lever) throws Exception {
    aot.startTraining();
    log("AOT training: %.0f s of sdk load, then the JVMs write their caches", aot.loadSeconds());
    service.close();
    startService(lever);
    consumerApp.close();
    startConsumerApp(lever);
    sdk.producerWith(lever.producerProperties());
    Load.Run run = Load.closed(warmupConcurrency(), aot.loadSeconds(), sdk.op());
    sdk.drain(30);
    sdk.clear();
    if (!consumerApp.stop(AotCaches.EXIT_TIMEOUT) | !service.stop(AotCaches.EXIT_TIMEOUT)) {
      throw new IllegalStateException("an AOT training process had to be killed: no cache");
    }
    aot.trained(List.of(AotCaches.SERVICE, AotCaches.CONSUMER_APP));
    serviceLever = null;
    consumerLever = null;
    log("  trained at %.0f/s, %d errors: %s", run.rate(), run.errors(), aot.facts());
  }

  private void startConsumerApp(Lever lever) throws Exception {
    consumerApp =
        ConsumerProcess.start(
            lever.jvm(AotCaches.CONSUMER_APP, aot),
            consumerDb.url(),
            port,
            prefix,
            lever.consumerProperties(),
            work);
    consumerLever = lever;
    if (lever.trainedCaches()) {
      aot.checkUsed(AotCaches.CONSUMER_APP, io.rms.bench.consumer.BenchConsumerApp.class.getName());
    }
    log(
        "consumer app pid %d %s%s(log %s)",
        consumerApp.pid(),
        lever.consumerProperties(),
        lever.jvm(AotCaches.CONSUMER_APP, aot).options(),
        consumerApp.log);
  }

  /** (Re)starts the service on the same ports, so the consumers' acks keep reaching it. */
  private void startService(Lever lever) throws Exception {
    Path serviceLog = Files.createTempFile(work, "service", ".log");
    Path serviceJar =
        lever.trainedCaches() ? aot.serviceJar(jar, new Jvm(lever.javaHome(), List.of())) : jar;
    service =
        ServiceProcess.start(
            serviceJar,
            serviceDb.url(),
            port,
            managementPort,
            prefix,
            serviceLog,
            lever.jvm(AotCaches.SERVICE, aot),
            java.util.stream.Stream.of(
                    List.of("--rms.replay.rate=" + replayRate),
                    lever.serviceArgs(),
                    // the five subscriptions ServiceProcess declares come first
                    push.serviceArgs(5))
                .flatMap(List::stream)
                .toList());
    serviceLever = lever;
    if (lever.trainedCaches()) {
      aot.checkUsed(AotCaches.SERVICE, AotCaches.mainClass(serviceJar));
    }
    api = new Api(service);
    log(
        "service pid %d on port %d %s%s%s (log %s)",
        service.pid(),
        service.port,
        lever.javaHome() == null ? "" : lever.javaHome() + " ",
        lever.jvm(AotCaches.SERVICE, aot).options(),
        lever.serviceArgs(),
        serviceLog);
  }

  private void scenario(String name, String variant) throws Exception {
    if (name.equals("sdk")) {
      sdkScenario("sdk" + variant);
    } else if (name.equals("sdk-generator")) {
      generatorScenario("sdk-generator" + variant);
    } else if (name.equals("pull")) {
      pullScenario("pull" + variant);
    } else if (name.equals("push")) {
      pushScenario("push" + variant);
    } else if (name.equals("replay")) {
      report.replay.putAll(
          new ReplayScenario(sdk, api, seconds, replayRate, started)
              .run(report.bestRate("sdk"), warmupConcurrency()));
    } else {
      apiScenario(name, variant);
    }
  }

  /** What one closed-loop window gave: its rate, the messages it cost, its errors. */
  private record Window(double rate, long messages, long errors) {}

  /** A closed-loop window at concurrency {@code c}, ending once its messages are through. */
  @FunctionalInterface
  private interface ClosedRun {
    Window run(int c) throws Exception;
  }

  /** The sweep's best window and its costs. */
  private record Sweep(
      double best,
      int bestConcurrency,
      Db.Counters costs,
      Map<String, Double> cpuPerMsg,
      double callsPerTx,
      double apiCallsPerMsg) {}

  private Sweep sweep(ClosedRun closedRun) throws Exception {
    double best = 0;
    int bestConcurrency = 0;
    Db.Counters costs = null;
    Map<String, Double> cpuPerMsg = Map.of();
    double[] groupBefore = api.commitCalls();
    long messages = 0;
    for (int c : concurrency) {
      Db.Counters before = serviceDb.counters();
      Map<String, Double> cpuBefore = meter.read();
      Window w = closedRun.run(c);
      Thread.sleep(1500); // let PostgreSQL flush its statistics
      Db.Counters delta = serviceDb.counters().minus(before);
      Map<String, Double> cpuAfter = meter.read();
      log("  c=%-3d %8.0f/s  errors=%d  messages=%d", c, w.rate(), w.errors(), w.messages());
      messages += w.messages();
      if (w.rate() > best || costs == null) {
        best = w.rate();
        bestConcurrency = c;
        costs = perMessage(delta, w.messages());
        cpuPerMsg = CpuMeter.perMessage(cpuBefore, cpuAfter, w.messages());
      }
    }
    double[] groupAfter = api.commitCalls();
    double transactions = groupAfter[0] - groupBefore[0];
    double callsPerTx = transactions > 0 ? (groupAfter[1] - groupBefore[1]) / transactions : 1;
    double apiCallsPerMsg = messages > 0 ? (groupAfter[2] - groupBefore[2]) / messages : 0;
    return new Sweep(best, bestConcurrency, costs, cpuPerMsg, callsPerTx, apiCallsPerMsg);
  }

  /**
   * The users' path: business transactions of the producer app (order row + SDK send, ~1% rolled
   * back after the send) consumed by the consumer app; the rate is what the consumer handled.
   */
  private void sdkScenario(String label) throws Exception {
    log("scenario %s: warm-up, then closed-loop sweep %s", label, Arrays.toString(concurrency));
    sdk.drain(30);
    sdk.clear();
    Map<String, Object> warm =
        warmup.untilSteady(
            label,
            secs -> {
              long from = Sdk.now();
              Load.Run run = Load.closed(warmupConcurrency(), secs, sdk.op());
              long to = Sdk.now();
              return new Warmup.Sample(
                  sdk.handledBetween(from, to) / ((to - from) / 1e6), run.errors());
            });
    sdk.drain(30);
    sdk.clear();
    Sweep sweep =
        sweep(
            c -> {
              long handledBefore = sdk.handled();
              long from = Sdk.now();
              Load.Run run = Load.closed(c, seconds, sdk.op());
              long to = Sdk.now();
              double rate = sdk.handledBetween(from, to) / ((to - from) / 1e6);
              sdk.drain(30);
              return new Window(rate, sdk.handled() - handledBefore, run.errors());
            });
    if (label.equals("sdk") && profiling) {
      profileSdk();
    }
    double target = sweep.best() / 2;
    log("  open loop at %.0f/s for %.0f s", target, seconds);
    Recorder tx = new Recorder(3);
    Load.open(target, seconds, 512, sdk.timed(tx), total -> {});
    sdk.drain(30);
    Map<String, Object> latency = new LinkedHashMap<>();
    for (Map.Entry<String, Histogram> e : sdk.latencies().entrySet()) {
      latency.put(e.getKey(), Report.latency(e.getValue()));
    }
    latency.put("start->commit", Report.latency(tx.getIntervalHistogram()));
    Map<String, Object> invariants = sdk.invariants();
    Map<String, Object> s = result(label, sweep, target, latency, warm);
    s.put("invariants", invariants);
    report.scenarios.add(s);
    log("  latency %s", latency);
    log("  invariants %s", invariants);
    sdk.clear();
  }

  /**
   * Records the three JVMs of the {@code sdk} path (the service, the harness with the producer app
   * and the generator, the consumer app) with JDK Flight Recorder at once during one closed-loop
   * window at the sweep's highest concurrency and its drain, and adds each one's top frames and
   * layers to the report ({@link JfrRecordings}), with the window's rate and CPU per message.
   */
  private void profileSdk() throws Exception {
    int c = warmupConcurrency();
    Map<String, Long> pids = new LinkedHashMap<>();
    pids.put(CpuMeter.SERVICE, service.pid());
    pids.put(CpuMeter.HARNESS, ProcessHandle.current().pid());
    pids.put(CpuMeter.CONSUMER_APP, consumerApp.pid());
    log("profile: sdk closed loop, %d callers, %.0f s, JFR in %s", c, seconds, pids);
    JfrRecordings recordings = JfrRecordings.start(pids, work);
    // measured with the recordings on, their start and stop left out
    Map<String, Double> cpuBefore = meter.read();
    long handledBefore = sdk.handled();
    long from = Sdk.now();
    Load.closed(c, seconds, sdk.op());
    long to = Sdk.now();
    double rate = sdk.handledBetween(from, to) / ((to - from) / 1e6);
    sdk.drain(30);
    Thread.sleep(1500);
    long messages = sdk.handled() - handledBefore;
    Map<String, Double> cpu = CpuMeter.perMessage(cpuBefore, meter.read(), messages);
    Map<String, Object> parties = JfrRecordings.summarize(recordings.stop());
    Map<String, Object> p = report.sdkProfile;
    p.put("concurrency", c);
    p.put("seconds", seconds);
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
   * The generator alone: the {@code sdk} scenario's business transactions (order row, commit, every
   * {@value Sdk#ROLLBACK_EVERY}th rolled back) placed by the same generator in the same producer
   * app, without the producer SDK's send; the rate is committed orders per second and CPU is per
   * committed order, so the {@code sdk} row's producer app + generator CPU minus this row's is what
   * the SDK costs the producer app per message.
   */
  private void generatorScenario(String label) throws Exception {
    log("scenario %s: warm-up, then closed-loop sweep %s", label, Arrays.toString(concurrency));
    sdk.clear();
    Map<String, Object> warm =
        warmup.untilSteady(
            label,
            secs -> {
              Load.Run run = Load.closed(warmupConcurrency(), secs, sdk.opWithoutMessage());
              return new Warmup.Sample(run.rate(), run.errors());
            });
    sdk.clear();
    Sweep sweep =
        sweep(
            c -> {
              long before = sdk.committed();
              Load.Run run = Load.closed(c, seconds, sdk.opWithoutMessage());
              long orders = sdk.committed() - before;
              return new Window(orders / run.seconds(), orders, run.errors());
            });
    double target = sweep.best() / 2;
    log("  open loop at %.0f/s for %.0f s", target, seconds);
    Recorder tx = new Recorder(3);
    Load.open(target, seconds, 512, sdk.timedWithoutMessage(tx), total -> {});
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("start->commit", Report.latency(tx.getIntervalHistogram()));
    report.scenarios.add(result(label, sweep, target, latency, warm));
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
  private void pullScenario(String label) throws Exception {
    httpConsumer =
        ConsumerProcess.startPull(consumerDb.url(), port, PULL_SUBSCRIPTION, PULL_THREADS, work);
    log("pull consumer pid %d (log %s)", httpConsumer.pid(), httpConsumer.log);
    try {
      sdk.producerWith(Map.of("bench.topic", PULL_TOPIC));
      sdkScenario(label);
    } finally {
      sdk.producerWith(Map.of());
      ConsumerProcess pulling = httpConsumer;
      httpConsumer = null;
      pulling.close();
    }
  }

  /** The warm-up runs at the sweep's highest concurrency, so it compiles what the sweep runs. */
  private int warmupConcurrency() {
    return Arrays.stream(concurrency).max().orElse(16);
  }

  /** A bare-API scenario: one HTTP call per step, the harness's own consumer acking in batches. */
  private void apiScenario(String name, String variant) throws Exception {
    boolean byAcks = ACKED_SCENARIOS.contains(name);
    Consumer receiver = route(name).consumer();
    String label = name + variant;
    log("scenario %s: warm-up, then closed-loop sweep %s", label, Arrays.toString(concurrency));
    Map<String, Object> warm =
        warmup.untilSteady(
            label,
            secs -> {
              long ackedBefore = receiver.acked.get();
              Load.Run run = Load.closed(warmupConcurrency(), secs, op(name));
              double acked = (receiver.acked.get() - ackedBefore) / run.seconds();
              return new Warmup.Sample(byAcks ? acked : run.rate(), run.errors());
            });
    drain(receiver);
    cancelLeftPrepared();
    purge();
    Sweep sweep =
        sweep(
            c -> {
              drain(receiver);
              long ackedBefore = receiver.acked.get();
              long started = System.nanoTime();
              Load.Run run = Load.closed(c, seconds, op(name));
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
    log("  open loop at %.0f/s for %.0f s", target, seconds);
    drain(receiver);
    receiver.endToEnd.reset();
    Map<String, Recorder> recorders = new LinkedHashMap<>();
    for (String call : calls(name)) {
      recorders.put(call, new Recorder(3));
    }
    Load.open(target, seconds, 512, timed(name, recorders), total -> {});
    drain(receiver);
    Map<String, Object> latency = new LinkedHashMap<>();
    for (var e : recorders.entrySet()) {
      latency.put(e.getKey(), Report.latency(e.getValue().getIntervalHistogram()));
    }
    if (byAcks) {
      latency.put("confirm->receive", Report.latency(receiver.endToEnd.getIntervalHistogram()));
    }
    report.scenarios.add(result(label, sweep, target, latency, warm));
    log("  latency %s", latency);
    cancelLeftPrepared();
    purge();
    if (name.equals("ordered")) {
      OrderingCheck.check(serviceDb, report, ORDERED_SUBSCRIPTION);
    }
  }

  private Map<String, Object> result(
      String label,
      Sweep sweep,
      double target,
      Map<String, Object> latency,
      Map<String, Object> warm) {
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
    s.put("calls_per_tx", sweep.callsPerTx());
    s.put("api_calls_per_msg", sweep.apiCallsPerMsg());
    s.put("warmup", warm);
    return s;
  }

  /**
   * Records the service with JDK Flight Recorder during one closed-loop lifecycle run (32 callers)
   * and adds the CPU split by layer to the report.
   */
  private void profile() throws Exception {
    Path jfr = Files.createTempFile(work, "service", ".jfr");
    log("profile: lifecycle closed loop, 32 callers, %.0f s, JFR to %s", seconds, jfr);
    JfrRecordings.jcmd(service.pid(), "JFR.start", "name=bench", "settings=profile");
    double cpuBefore = service.cpuSeconds();
    long ackedBefore = consumer.acked.get();
    Load.Run run = Load.closed(32, seconds, op("lifecycle"));
    double cpu = service.cpuSeconds() - cpuBefore;
    JfrRecordings.jcmd(service.pid(), "JFR.dump", "name=bench", "filename=" + jfr);
    JfrRecordings.jcmd(service.pid(), "JFR.stop", "name=bench");
    drain(consumer);
    Map<String, Object> split = Profile.breakdown(jfr);
    split.put("lifecycles_per_s", (consumer.acked.get() - ackedBefore) / run.seconds());
    split.put("service_cpu_cores", cpu / run.seconds());
    report.profile.putAll(split);
    log("  %s", split);
    purge();
  }

  private Load.Op op(String name) {
    return switch (name) {
      case "prepare" -> intended -> leftPrepared.add(api.prepare(TOPIC));
      case "prepare-confirm", "lifecycle", "keyed", "ordered" ->
          intended -> {
            UUID id = prepare(name);
            if (ACKED_SCENARIOS.contains(name)) {
              confirmStarted.put(id, System.nanoTime());
            }
            api.confirm(id);
          };
      case "send" -> intended -> api.send(TOPIC);
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
      case "keyed" -> new Route(TOPIC, consumer, true);
      case "ordered" -> new Route(ORDERED_TOPIC, orderedConsumer, true);
      default -> new Route(TOPIC, consumer, false);
    };
  }

  /** Prepares the scenario's message; keys are drawn uniformly, so all are in use at once. */
  private UUID prepare(String name) {
    Route r = route(name);
    String key = r.keyed() ? "k-" + ThreadLocalRandom.current().nextInt(orderingKeys) : null;
    return api.prepare(r.topic(), key);
  }

  /** Costs scaled to "per 1,000 messages" (divided again by 1,000 in the report). */
  private static Db.Counters perMessage(Db.Counters delta, long messages) {
    long m = Math.max(1, messages);
    return new Db.Counters(
        delta.commits() * 1000 / m, delta.walBytes() * 1000 / m, delta.publishes() * 1000 / m);
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
          leftPrepared.add(api.prepare(TOPIC));
          recorders.get("prepare").recordValue((System.nanoTime() - intended) / 1000);
        }
        case "send" -> {
          api.send(TOPIC);
          recorders.get("send").recordValue((System.nanoTime() - intended) / 1000);
        }
        default -> {
          UUID id = prepare(name);
          long confirmStart = System.nanoTime();
          recorders.get("prepare").recordValue((confirmStart - intended) / 1000);
          if (ACKED_SCENARIOS.contains(name)) {
            confirmStarted.put(id, confirmStart);
          }
          api.confirm(id);
          recorders.get("confirm").recordValue((System.nanoTime() - confirmStart) / 1000);
        }
      }
    };
  }

  /**
   * The {@code sdk} load on {@link PushSubscription#TOPIC}, a push subscription the service pushes
   * to {@link io.rms.bench.consumer.PushReceiverApp} (a JVM of its own that verifies each push's
   * signature and writes inbox and effect in one transaction before answering 204) instead of the
   * consumer app: rate, commit → handler latency, CPU per message and invariants come from the same
   * {@code handled} table as {@code sdk}'s and {@code pull}'s, so the three compare in one run.
   */
  private void pushScenario(String label) throws Exception {
    httpConsumer =
        ConsumerProcess.startPush(
            consumerDb.url(), push.port, push.secret(), PushSubscription.CONCURRENCY, work);
    log("push receiver pid %d (log %s)", httpConsumer.pid(), httpConsumer.log);
    try {
      sdk.producerWith(Map.of("bench.topic", PushSubscription.TOPIC));
      sdkScenario(label);
    } finally {
      sdk.producerWith(Map.of());
      ConsumerProcess receiving = httpConsumer;
      httpConsumer = null;
      receiving.close();
    }
  }

  /** Waits until a bare-API consumer has acknowledged everything in flight (or 30 s pass). */
  private void drain(Consumer consumer) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    long last = -1;
    int still = 0;
    while (System.nanoTime() < deadline && still < 10) {
      long now = consumer.acked.get();
      still = now == last ? still + 1 : 0;
      last = now;
      Thread.sleep(50);
    }
  }

  /**
   * Cancels what the prepare-only scenario left PREPARED, so check-backs of it never run during the
   * later scenarios.
   */
  private void cancelLeftPrepared() {
    List<UUID> chunk = new ArrayList<>(1000);
    UUID id;
    while ((id = leftPrepared.poll()) != null) {
      chunk.add(id);
      if (chunk.size() == 1000) {
        api.cancel(chunk);
        chunk.clear();
      }
    }
    if (!chunk.isEmpty()) {
      api.cancel(chunk);
    }
  }

  private void purge() throws Exception {
    rabbit(
        ch -> {
          ch.queuePurge(prefix + SUBSCRIPTION);
          ch.queuePurge(prefix + ORDERED_SUBSCRIPTION);
        });
    confirmStarted.clear();
  }

  @FunctionalInterface
  private interface ChannelWork {
    void run(com.rabbitmq.client.Channel channel) throws Exception;
  }

  private static void rabbit(ChannelWork work) throws Exception {
    com.rabbitmq.client.ConnectionFactory f = new com.rabbitmq.client.ConnectionFactory();
    f.setHost("127.0.0.1");
    try (var c = f.newConnection();
        var ch = c.createChannel()) {
      work.run(ch);
    }
  }

  /**
   * Stops everything the run started (once; also from the shutdown hook when the run is
   * interrupted): the apps, the service, the run's queues, the PostgreSQL instances and the work
   * directory.
   */
  private void closeAll() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    quietly(
        "consumer",
        () -> {
          if (consumer != null) {
            consumer.close();
          }
          if (orderedConsumer != null) {
            orderedConsumer.close();
          }
        });
    quietly(
        "producer app",
        () -> {
          if (sdk != null) {
            sdk.close();
          }
        });
    quietly(
        "trace sink",
        () -> {
          if (traces != null) {
            traces.close();
          }
        });
    quietly(
        "consumer app",
        () -> {
          if (consumerApp != null) {
            consumerApp.close();
          }
        });
    quietly(
        "service",
        () -> {
          if (service != null) {
            service.close();
          }
        });
    if (prefix != null) {
      quietly(
          "queues",
          () ->
              rabbit(
                  ch -> {
                    for (String s :
                        List.of(
                            SUBSCRIPTION,
                            BACKLOG_SUBSCRIPTION,
                            SDK_SUBSCRIPTION,
                            ORDERED_SUBSCRIPTION)) {
                      ch.queueDeleteNoWait(prefix + s, false, false);
                    }
                  }));
    }
    for (Postgres pg : instances) {
      quietly("PostgreSQL " + pg.name, pg::close);
    }
    if (work != null && !env("BENCH_KEEP_LOGS", "0").equals("1")) {
      Postgres.deleteRecursively(work);
    }
  }

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  private static void quietly(String what, Step step) {
    try {
      step.run();
    } catch (Exception e) {
      log("closing %s failed: %s", what, e);
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  static void log(String format, Object... args) {
    System.out.printf("[bench] " + format + "%n", args);
  }
}
