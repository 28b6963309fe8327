package io.rms.bench;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The benchmark, on three PostgreSQL instances of its own (the service's, the producer
 * application's, the consumer application's) and the machine's RabbitMQ: baselines A (PostgreSQL
 * commits, on the service's instance) and B (RabbitMQ confirmed publishes); then each scenario,
 * warmed up until its rate is steady, as a closed-loop concurrency sweep and an open-loop run at
 * half its maximum; then the {@code sdk} and {@code lifecycle} scenarios again under each lever and
 * with a million finished messages and a due backlog in the service's tables. This class orders the
 * run; {@link Processes} starts the service and the apps, {@link SdkScenarios} and {@link
 * ApiScenarios} run the scenarios, {@link Profiles} the JFR profiles, {@link Housekeeping} cleans
 * up between them, all on one {@link BenchContext}.
 */
public final class Bench {
  static final String PRODUCER_KEY = "bench-producer-key";
  static final String CONSUMER_KEY = "bench-consumer-key";
  static final String ADMIN_KEY = "bench-admin-key";
  static final String SDK_TOPIC = io.rms.bench.producer.Orders.TOPIC;
  static final String SDK_SUBSCRIPTION = io.rms.bench.consumer.BenchConsumerApp.SUBSCRIPTION;
  static final String PULL_TOPIC = io.rms.bench.producer.Orders.PULL_TOPIC;
  static final String PULL_SUBSCRIPTION = "bench.pull";

  static final String TOPIC = "bench.topic";
  static final String SUBSCRIPTION = "bench.sub";
  private static final String BACKLOG_SUBSCRIPTION = "bench.backlog";
  static final String ORDERED_TOPIC = "bench.ordered.topic";
  static final String ORDERED_SUBSCRIPTION = "bench.ordered";

  /** The subscriptions whose queues the service declares under the run's prefix. */
  static final List<String> QUEUED_SUBSCRIPTIONS =
      List.of(
          SUBSCRIPTION,
          BACKLOG_SUBSCRIPTION,
          SDK_SUBSCRIPTION,
          ORDERED_SUBSCRIPTION,
          PushSubscription.SUBSCRIPTION);

  /** The scenarios levers and the growth row apply to. */
  private static final List<String> MAIN_SCENARIOS = List.of("sdk", "lifecycle");

  /** The {@code service.name}s of one order's trace: producer app, service, consumer app. */
  private static final List<String> TRACE_PARTIES =
      List.of("bench-producer", "reliable-message-service", "bench-consumer");

  private final BenchContext ctx = new BenchContext();
  private final Processes processes = new Processes(ctx);
  private final Housekeeping housekeeping = new Housekeeping(ctx);
  private final Sweeps sweeps = new Sweeps(ctx);
  private final ApiScenarios apiScenarios = new ApiScenarios(ctx, sweeps, housekeeping);
  private final Profiles profiles = new Profiles(ctx, apiScenarios, housekeeping);
  private final SdkScenarios sdkScenarios = new SdkScenarios(ctx, sweeps, profiles);

  private final AtomicBoolean closed = new AtomicBoolean();

  /** Lever rows that should have exported spans and did not. */
  private final List<String> exportFailures = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    new Bench().run(Path.of(args[0]), Path.of(args[1]));
  }

  private void run(Path jar, Path resultsDir) throws Exception {
    String stamp =
        LocalDateTime.now(java.time.ZoneOffset.UTC)
            .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    ctx.jar = jar;
    ctx.prefix = "bench-" + stamp + ".rms.sub.";
    ctx.work = Files.createTempDirectory("rms-bench-");
    Files.setPosixFilePermissions(ctx.work, PosixFilePermissions.fromString("rwxr-xr-x"));
    ctx.aot =
        new AotCaches(
            ctx.work.resolve("aot"),
            Double.parseDouble(env("BENCH_AOT_TRAINING", "30")),
            java.time.Clock.systemUTC());
    Thread cleanup = new Thread(this::closeAll, "bench-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    Report report = ctx.report;
    try {
      Postgres servicePg = instance("service");
      Postgres producerPg = instance("producer");
      Postgres consumerPg = instance("consumer");
      ctx.serviceDb = servicePg.createDatabase("rms");
      Db producerDb = producerPg.createDatabase("producer");
      ctx.consumerDb = consumerPg.createDatabase("consumer");
      Map<String, Postgres> byParty = new LinkedHashMap<>();
      byParty.put("service PostgreSQL", servicePg);
      byParty.put("producer PostgreSQL", producerPg);
      byParty.put("consumer PostgreSQL", consumerPg);
      ctx.meter =
          new CpuMeter(
              () -> ctx.service == null ? -1 : ctx.service.pid(),
              byParty,
              () -> {
                ConsumerProcess http = ctx.httpConsumer;
                ConsumerProcess c = http != null ? http : ctx.consumerApp;
                return c == null ? -1 : c.pid();
              });
      report.postgres.put("version", servicePg.db("postgres").queryString("show server_version"));
      report.postgres.put(
          "instances", "3 (service, producer app, consumer app), each with these settings");
      report.postgres.put("settings", servicePg.effectiveSettings());
      report.machine(ctx.seconds, ctx.concurrency);

      baselines(stamp);

      ctx.port = freePort();
      ctx.managementPort = freePort();
      ctx.push = new PushSubscription();
      ctx.traces = new TraceSink(TRACE_PARTIES);
      processes.startService(Lever.NONE);
      ctx.push.rotateSecret(ctx.port);
      processes.startConsumerApp(Lever.NONE);
      int maxConcurrency = ctx.warmupConcurrency();
      ctx.sdk = new Sdk(producerDb, ctx.consumerDb, ctx.port, Math.min(250, maxConcurrency + 16));
      ctx.sdk.producerWith(Map.of());
      ctx.consumer = harnessConsumer(ctx, SUBSCRIPTION);
      ctx.orderedConsumer = harnessConsumer(ctx, ORDERED_SUBSCRIPTION);

      for (String name : ctx.scenarioNames) {
        scenario(name.trim(), "");
      }
      OrderingCheck.orderedToKeyed(report, ctx.orderingKeys);
      if (ctx.scenarioNames.contains("lifecycle") && ctx.profiling) {
        profiles.profile();
      }
      for (String name : ctx.leverNames) {
        if (name.isBlank() || name.equals("none")) {
          continue;
        }
        Lever lever = Lever.named(name.trim(), ctx.java25, ctx.traces.endpoint());
        if (lever.javaHome() != null && !Files.isExecutable(lever.javaHome().resolve("bin/java"))) {
          log("lever %s skipped: no JVM at %s", lever.label(), lever.javaHome());
          continue;
        }
        processes.apply(lever);
        for (String s : mainScenarios()) {
          if (s.equals("lifecycle") && lever.producerAppOnly()) {
            log("lifecycle [%s] skipped: the bare API runs no producer app", lever.label());
            continue;
          }
          ctx.traces.reset();
          scenario(s, " [" + lever.label() + "]");
          String label = s + " [" + lever.label() + "]";
          if (lever.exportsTraces() && !ctx.traces.addTo(report, label)) {
            exportFailures.add(label);
          }
          if (lever.trainedCaches()) {
            report.scenarios.get(report.scenarios.size() - 1).put("aot_caches", ctx.aot.facts());
          }
        }
      }
      if (ctx.growthRows > 0 && !mainScenarios().isEmpty()) {
        processes.apply(Lever.NONE);
        log("seeding %d finished messages and %d due deliveries", ctx.growthRows, ctx.backlog);
        long t0 = System.nanoTime();
        Growth.seed(ctx.serviceDb, ctx.growthRows, ctx.backlog);
        log("  seeded in %.0f s", (System.nanoTime() - t0) / 1e9);
        for (String s : mainScenarios()) {
          scenario(s, " (+" + ctx.growthRows + " finished, " + ctx.backlog + " due)");
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
    return MAIN_SCENARIOS.stream().filter(ctx.scenarioNames::contains).toList();
  }

  private Postgres instance(String name) throws Exception {
    Postgres pg = Postgres.start(name, ctx.work);
    ctx.instances.add(pg);
    log("PostgreSQL %s on port %d (postmaster pid %d)", name, pg.port, pg.postmasterPid());
    return pg;
  }

  private void baselines(String stamp) throws Exception {
    double seconds = ctx.seconds;
    Report report = ctx.report;
    log("baseline A: raw JDBC inserts, 32 connections, %.0f s", seconds);
    Load.Run a = Baselines.jdbcInserts(ctx.serviceDb, 32, seconds);
    report.baselines.put("A_jdbc_inserts_per_s", a.rate());
    log("  %.0f commits/s", a.rate());
    double rawRate = Double.parseDouble(env("BENCH_RAW_LATENCY_RATE", "1000"));
    log("baseline A latency: raw inserts at %.0f/s (open loop), %.0f s", rawRate, seconds);
    Map<String, Object> rawLatency =
        Report.latency(Baselines.jdbcInsertLatency(ctx.serviceDb, rawRate, seconds));
    rawLatency.put("rate_per_s", rawRate);
    report.baselines.put("A_insert_latency", rawLatency);
    log("  %s", rawLatency);
    log("baseline B: raw RabbitMQ persistent 1 KiB publishes, async confirms, %.0f s", seconds);
    Load.Run b = Baselines.rabbitPublishes("bench-" + stamp + ".raw", seconds);
    report.baselines.put("B_rabbit_publishes_per_s", b.rate());
    log("  %.0f publishes/s", b.rate());
  }

  private void scenario(String name, String variant) throws Exception {
    if (name.equals("sdk")) {
      sdkScenarios.sdkScenario("sdk" + variant);
    } else if (name.equals("sdk-generator")) {
      sdkScenarios.generatorScenario("sdk-generator" + variant);
    } else if (name.equals("pull")) {
      sdkScenarios.pullScenario("pull" + variant);
    } else if (name.equals("push")) {
      sdkScenarios.pushScenario("push" + variant);
    } else if (name.equals("replay")) {
      ctx.report.replay.putAll(
          new ReplayScenario(ctx.sdk, ctx.api, ctx.seconds, ctx.replayRate, ctx.started)
              .run(ctx.report.bestRate("sdk"), ctx.warmupConcurrency()));
    } else {
      apiScenarios.apiScenario(name, variant);
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
          if (ctx.consumer != null) {
            ctx.consumer.close();
          }
          if (ctx.orderedConsumer != null) {
            ctx.orderedConsumer.close();
          }
        });
    quietly(
        "producer app",
        () -> {
          if (ctx.sdk != null) {
            ctx.sdk.close();
          }
        });
    quietly(
        "trace sink",
        () -> {
          if (ctx.traces != null) {
            ctx.traces.close();
          }
        });
    quietly(
        "consumer app",
        () -> {
          if (ctx.consumerApp != null) {
            ctx.consumerApp.close();
          }
        });
    quietly(
        "service",
        () -> {
          if (ctx.service != null) {
            ctx.service.close();
          }
        });
    String prefix = ctx.prefix;
    if (prefix != null) {
      quietly(
          "queues",
          () ->
              Housekeeping.rabbit(
                  ch -> {
                    for (String s : QUEUED_SUBSCRIPTIONS) {
                      ch.queueDeleteNoWait(prefix + s, false, false);
                    }
                  }));
    }
    for (Postgres pg : ctx.instances) {
      quietly("PostgreSQL " + pg.name, pg::close);
    }
    if (ctx.work != null && !env("BENCH_KEEP_LOGS", "0").equals("1")) {
      Postgres.deleteRecursively(ctx.work);
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

  /** The harness's own consumer of {@code subscription}'s queue (4 channels), acking to the API. */
  static Consumer harnessConsumer(BenchContext ctx, String subscription) throws Exception {
    return new Consumer(ctx.prefix + subscription, subscription, ctx.api, ctx.confirmStarted, 4);
  }

  static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  static void log(String format, Object... args) {
    System.out.printf("[bench] " + format + "%n", args);
  }
}
