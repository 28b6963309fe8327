package io.rms.bench;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The benchmark: baselines A (PostgreSQL commits) and B (RabbitMQ confirmed publishes), then each
 * scenario as a closed-loop concurrency sweep and an open-loop run at half its maximum, then the
 * lifecycle again with a million finished messages and a due backlog in the tables.
 */
public final class Bench {
  static final String PRODUCER_KEY = "bench-producer-key";
  static final String CONSUMER_KEY = "bench-consumer-key";
  private static final String TOPIC = "bench.topic";
  private static final String SUBSCRIPTION = "bench.sub";

  private final double seconds = Double.parseDouble(env("BENCH_SECONDS", "10"));
  private final int[] concurrency =
      Arrays.stream(env("BENCH_CONCURRENCY", "4,8,16,32,64").split(","))
          .mapToInt(Integer::parseInt)
          .toArray();
  private final List<String> scenarioNames =
      List.of(env("BENCH_SCENARIOS", "prepare,prepare-confirm,lifecycle,send").split(","));
  private final long growthRows = Long.parseLong(env("BENCH_GROWTH_ROWS", "1000000"));
  private final long backlog = Long.parseLong(env("BENCH_BACKLOG", "100000"));
  private final List<String> leverNames =
      List.of(env("BENCH_LEVERS", "no-group-commit,java25,java25-virtual-threads").split(","));
  private final Path java25 = Path.of(env("BENCH_JAVA25", "/usr/lib/jvm/temurin-25-jdk-amd64"));
  private final Report report = new Report();
  private final Map<UUID, Long> confirmStarted = new ConcurrentHashMap<>();
  /** Messages the prepare-only scenario left PREPARED; cancelled after it (not measured). */
  private final java.util.Queue<UUID> leftPrepared = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private String database;
  private String queue;
  private ServiceProcess service;
  private Api api;
  private Path jar;
  private String prefix;
  private int port;

  /**
   * One configuration of the service measured against the default: a name for the table, the JVM
   * it runs on (null: the harness's own) and its extra arguments.
   */
  private record Lever(String label, Path javaHome, List<String> args) {}

  private Lever lever(String name) {
    return switch (name) {
      case "no-group-commit" ->
          new Lever("no group commit", null, List.of("--rms.group-commit.enabled=false"));
      case "java25" ->
          new Lever(
              "Java 25, platform threads",
              java25,
              List.of("--spring.threads.virtual.enabled=false"));
      case "java25-virtual-threads" ->
          new Lever(
              "Java 25, virtual threads", java25, List.of("--spring.threads.virtual.enabled=true"));
      default -> throw new IllegalArgumentException("unknown lever " + name);
    };
  }

  public static void main(String[] args) throws Exception {
    new Bench().run(Path.of(args[0]), Path.of(args[1]));
  }

  private void run(Path jar, Path resultsDir) throws Exception {
    String stamp =
        LocalDateTime.now(java.time.ZoneOffset.UTC)
            .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    database = "rms_bench_" + stamp.replace("-", "_");
    this.jar = jar;
    prefix = "bench-" + stamp + ".rms.sub.";
    queue = prefix + SUBSCRIPTION;
    Db.execute("postgres", "create database " + database);
    machine();
    try {
      log("baseline A: raw JDBC inserts, 32 connections, %.0f s", seconds);
      Load.Run a = Baselines.jdbcInserts(database, 32, seconds);
      report.baselines.put("A_jdbc_inserts_per_s", a.rate());
      log("  %.0f commits/s", a.rate());
      double rawRate = Double.parseDouble(env("BENCH_RAW_LATENCY_RATE", "1000"));
      log("baseline A latency: raw inserts at %.0f/s (open loop), %.0f s", rawRate, seconds);
      Map<String, Object> rawLatency =
          Report.latency(Baselines.jdbcInsertLatency(database, rawRate, seconds));
      rawLatency.put("rate_per_s", rawRate);
      report.baselines.put("A_insert_latency", rawLatency);
      log("  %s", rawLatency);
      log("baseline B: raw RabbitMQ persistent 1 KiB publishes, async confirms, %.0f s", seconds);
      Load.Run b = Baselines.rabbitPublishes("bench-" + stamp + ".raw", seconds);
      report.baselines.put("B_rabbit_publishes_per_s", b.rate());
      log("  %.0f publishes/s", b.rate());

      port = freePort();
      startService(null, List.of());
      try (Consumer consumer = new Consumer(queue, SUBSCRIPTION, api, confirmStarted, 4)) {
        warmUp(consumer);
        for (String name : scenarioNames) {
          scenario(name, consumer, "");
        }
        if (!env("BENCH_PROFILE", "1").equals("0")) {
          profile(consumer);
        }
        for (String name : leverNames) {
          if (name.isBlank() || name.equals("none")) {
            continue;
          }
          Lever lever = lever(name.trim());
          if (lever.javaHome() != null && !Files.isExecutable(lever.javaHome().resolve("bin/java"))) {
            log("lever %s skipped: no JVM at %s", lever.label(), lever.javaHome());
            continue;
          }
          service.close();
          startService(lever.javaHome(), lever.args());
          warmUp(consumer);
          scenario("lifecycle", consumer, " [" + lever.label() + "]");
        }
        if (scenarioNames.contains("lifecycle") && growthRows > 0) {
          service.close();
          startService(null, List.of());
          warmUp(consumer);
          seedGrowth();
          scenario("lifecycle", consumer, " (+" + growthRows + " finished, " + backlog + " due)");
        }
      }
      System.out.println();
      System.out.println(report.markdown());
      report.write(resultsDir, stamp);
      log("written %s/%s.{json,md} and latest.md", resultsDir, stamp);
    } finally {
      if (service != null) {
        service.close();
      }
      Db.execute("postgres", "drop database if exists " + database + " with (force)");
    }
  }

  /**
   * Records the service with JDK Flight Recorder during one closed-loop lifecycle run (32 callers)
   * and adds the CPU split by layer to the report.
   */
  private void profile(Consumer consumer) throws Exception {
    Path jfr = Files.createTempFile("rms-bench-service", ".jfr");
    log("profile: lifecycle closed loop, 32 callers, %.0f s, JFR to %s", seconds, jfr);
    jcmd("JFR.start", "name=bench", "settings=profile");
    double cpuBefore = service.cpuSeconds();
    long ackedBefore = consumer.acked.get();
    Load.Run run = Load.closed(32, seconds, op("lifecycle"));
    double cpu = service.cpuSeconds() - cpuBefore;
    jcmd("JFR.dump", "name=bench", "filename=" + jfr);
    jcmd("JFR.stop", "name=bench");
    drain(consumer);
    Map<String, Object> split = Profile.breakdown(jfr);
    split.put("lifecycles_per_s", (consumer.acked.get() - ackedBefore) / run.seconds());
    split.put("service_cpu_cores", cpu / run.seconds());
    report.profile.putAll(split);
    log("  %s", split);
    purge();
  }

  private void jcmd(String... command) throws Exception {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    cmd.add(String.valueOf(service.pid()));
    cmd.addAll(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed: " + out);
    }
  }

  /** (Re)starts the service on the same port, so the consumer's acks keep reaching it. */
  private void startService(Path javaHome, List<String> args) throws Exception {
    Path serviceLog = Files.createTempFile("rms-bench-service", ".log");
    service =
        ServiceProcess.start(
            jar, Db.BASE + database, port, prefix, serviceLog, javaHome, args);
    api = new Api(service.port);
    log(
        "service pid %d on port %d %s%s (log %s)",
        service.pid(),
        service.port,
        javaHome == null ? "" : javaHome + " ",
        args,
        serviceLog);
  }

  private void warmUp(Consumer consumer) throws Exception {
    double warmup = Double.parseDouble(env("BENCH_WARMUP", "10"));
    log("warm-up (JIT, connection pools, key cache): %.0f s, not measured", warmup);
    Load.closed(16, warmup, op("lifecycle"));
    Load.closed(16, warmup / 2, op("send"));
    drain(consumer);
    purge();
  }

  private Load.Op op(String name) {
    return switch (name) {
      case "prepare" -> intended -> leftPrepared.add(api.prepare(TOPIC));
      case "prepare-confirm", "lifecycle" ->
          intended -> {
            UUID id = api.prepare(TOPIC);
            if (name.equals("lifecycle")) {
              confirmStarted.put(id, System.nanoTime());
            }
            api.confirm(id);
          };
      case "send" -> intended -> api.send(TOPIC);
      default -> throw new IllegalArgumentException("unknown scenario " + name);
    };
  }

  private void scenario(String name, Consumer consumer, String variant) throws Exception {
    boolean lifecycle = name.equals("lifecycle");
    log("scenario %s%s: closed-loop sweep %s", name, variant, Arrays.toString(concurrency));
    double best = 0;
    int bestConcurrency = 0;
    Db.Counters costs = null;
    Map<String, Double> cpuPerMsg = Map.of();
    double[] groupBefore = api.commitCalls();
    for (int c : concurrency) {
      drain(consumer);
      Db.Counters before = Db.counters(database);
      Map<String, Double> cpuBefore = CpuMeter.read(service.pid());
      long ackedBefore = consumer.acked.get();
      Load.Run run = Load.closed(c, seconds, op(name));
      double rate = run.rate();
      long messages = run.operations();
      if (lifecycle) {
        // throughput of the whole lifecycle = what consumers acknowledged in the window
        drain(consumer);
        messages = consumer.acked.get() - ackedBefore;
        rate = Math.min(rate, messages / run.seconds());
      }
      Thread.sleep(1500); // let PostgreSQL flush its statistics
      Db.Counters delta = Db.counters(database).minus(before);
      Map<String, Double> cpuAfter = CpuMeter.read(service.pid());
      log(
          "  c=%-3d %8.0f ops/s  errors=%d  (consumer received %d, acked %d)",
          c, rate, run.errors(), consumer.receivedCount.get(), consumer.acked.get());
      if (rate > best || costs == null) {
        best = rate;
        bestConcurrency = c;
        costs = perMessage(delta, messages);
        cpuPerMsg = CpuMeter.perMessage(cpuBefore, cpuAfter, messages);
      }
    }
    double[] groupAfter = api.commitCalls();
    double transactions = groupAfter[0] - groupBefore[0];
    double callsPerTx = transactions > 0 ? (groupAfter[1] - groupBefore[1]) / transactions : 1;
    double target = best / 2;
    log("  open loop at %.0f/s for %.0f s", target, seconds);
    drain(consumer);
    consumer.endToEnd.reset();
    Map<String, Recorder> recorders = new LinkedHashMap<>();
    for (String call : calls(name)) {
      recorders.put(call, new Recorder(3));
    }
    Load.open(target, seconds, 512, timed(name, recorders), total -> {});
    drain(consumer);
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("name", name + variant);
    s.put("max_per_s", best);
    s.put("best_concurrency", bestConcurrency);
    s.put("ratio_to_A", best / report.baselineA());
    s.put("ratio_to_B", best / report.baselineB());
    s.put("open_loop_rate", target);
    Map<String, Object> latency = new LinkedHashMap<>();
    for (var e : recorders.entrySet()) {
      latency.put(e.getKey(), Report.latency(e.getValue().getIntervalHistogram()));
    }
    if (lifecycle) {
      Histogram e2e = consumer.endToEnd.getIntervalHistogram();
      latency.put("confirm->receive", Report.latency(e2e));
    }
    s.put("latency", latency);
    s.put("commits_per_msg", (double) costs.commits() / 1000.0);
    s.put("wal_bytes_per_msg", (double) costs.walBytes() / 1000.0);
    s.put("publishes_per_msg", (double) costs.publishes() / 1000.0);
    s.put("cpu_ms_per_msg", cpuPerMsg.get(CpuMeter.SERVICE));
    s.put("cpu_ms_per_msg_by_party", cpuPerMsg);
    s.put("calls_per_tx", callsPerTx);
    report.scenarios.add(s);
    log("  latency %s", latency);
    cancelLeftPrepared();
    purge();
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
          UUID id = api.prepare(TOPIC);
          long confirmStart = System.nanoTime();
          recorders.get("prepare").recordValue((confirmStart - intended) / 1000);
          if (name.equals("lifecycle")) {
            confirmStarted.put(id, confirmStart);
          }
          api.confirm(id);
          recorders.get("confirm").recordValue((System.nanoTime() - confirmStart) / 1000);
        }
      }
    };
  }

  /** Waits until the consumer has acknowledged everything in flight (or 30 s pass). */
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
   * Cancels what the prepare-only scenario left PREPARED, so check-backs of it never run during
   * the later scenarios.
   */
  private void cancelLeftPrepared() {
    List<UUID> chunk = new java.util.ArrayList<>(1000);
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
    com.rabbitmq.client.ConnectionFactory f = new com.rabbitmq.client.ConnectionFactory();
    f.setHost("127.0.0.1");
    try (var c = f.newConnection();
        var ch = c.createChannel()) {
      ch.queuePurge(queue);
    }
    confirmStarted.clear();
  }

  /**
   * A million finished messages (UUIDv7-ordered in the past) with their acked deliveries, and a
   * backlog of deliveries due for redelivery on a second subscription, written straight into the
   * service's tables.
   */
  private void seedGrowth() throws Exception {
    log("seeding %d finished messages and %d due deliveries", growthRows, backlog);
    long t0 = System.nanoTime();
    Db.execute(
        database,
        """
        insert into message (id, app_id, topic, status, content_type, payload, content_hash,
                             created_at, confirmed_at, finished_at)
        select (lpad(to_hex((extract(epoch from now() - interval '2 days') * 1000)::bigint + i), 12, '0')
                || '7' || substr(md5(i::text), 1, 3) || '8' || substr(md5(i::text), 4, 15))::uuid,
               'bench-producer', 'bench.topic', 'DELIVERED', 'application/json',
               convert_to(repeat('x', 256), 'UTF8'), '\\x00',
               now() - interval '2 days', now() - interval '2 days', now() - interval '2 days'
          from generate_series(1, %d) as i
        """
            .formatted(growthRows));
    Db.execute(
        database,
        """
        insert into delivery (message_id, subscription, status, attempts, acked_at, created_at)
        select id, 'bench.sub', 'ACKED', 1, finished_at, created_at from message
         where status = 'DELIVERED' and app_id = 'bench-producer'
           and created_at < now() - interval '1 day'
        """);
    Db.execute(
        database,
        """
        insert into message (id, app_id, topic, status, content_type, payload, content_hash,
                             created_at, confirmed_at, pending_deliveries)
        select (lpad(to_hex((extract(epoch from now() - interval '1 day') * 1000)::bigint + i), 12, '0')
                || '7' || substr(md5(i::text), 1, 3) || '9' || substr(md5(i::text), 4, 15))::uuid,
               'bench-producer', 'bench.backlog', 'CONFIRMED', 'application/json',
               convert_to('{"n":1}', 'UTF8'), '\\x00', now() - interval '1 day', now() - interval '1 day', 1
          from generate_series(1, %d) as i
        """
            .formatted(backlog));
    Db.execute(
        database,
        """
        insert into delivery (message_id, subscription, status, attempts, next_attempt_at, created_at)
        select id, 'bench.backlog', 'SCHEDULED', 0, now(), created_at from message
         where topic = 'bench.backlog' and status = 'CONFIRMED'
        """);
    Db.execute(database, "vacuum analyze message");
    Db.execute(database, "vacuum analyze delivery");
    log("  seeded in %.0f s", (System.nanoTime() - t0) / 1e9);
  }

  private void machine() throws Exception {
    report.machine.put("cores", Runtime.getRuntime().availableProcessors());
    report.machine.put(
        "memory_gib",
        Math.round(
            ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                    .getTotalMemorySize()
                / (1024.0 * 1024 * 1024)));
    report.machine.put("java", System.getProperty("java.version"));
    report.machine.put("postgresql", Db.queryString("postgres", "show server_version"));
    report.machine.put("seconds_per_run", seconds);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  static void log(String format, Object... args) {
    System.out.printf("[bench] " + format + "%n", args);
  }
}
