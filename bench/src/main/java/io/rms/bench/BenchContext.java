package io.rms.bench;

import static io.rms.bench.Bench.env;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the parts of one benchmark run share: its knobs (from the environment), its report, the
 * processes and databases it runs on, and the bookkeeping of the messages in flight. The parts
 * ({@link Processes}, {@link SdkScenarios}, {@link ApiScenarios}, {@link Profiles}, {@link
 * Housekeeping}) read and set it; {@link Bench} orders them.
 */
final class BenchContext {
  final double seconds = Double.parseDouble(env("BENCH_SECONDS", "10"));
  final int[] concurrency =
      Arrays.stream(env("BENCH_CONCURRENCY", "4,8,16,32,64").split(","))
          .mapToInt(s -> Integer.parseInt(s.trim()))
          .toArray();
  final List<String> scenarioNames =
      List.of(env("BENCH_SCENARIOS", "sdk,pull,lifecycle,prepare,send").split(","));
  final int orderingKeys = Integer.parseInt(env("BENCH_ORDERING_KEYS", "1000"));
  final long growthRows = Long.parseLong(env("BENCH_GROWTH_ROWS", "1000000"));
  final long backlog = Long.parseLong(env("BENCH_BACKLOG", "100000"));
  final List<String> leverNames =
      List.of(env("BENCH_LEVERS", "no-group-commit,no-producer-batching,java25").split(","));
  final Path java25 = Path.of(env("BENCH_JAVA25", "/usr/lib/jvm/temurin-25-jdk-amd64"));

  /** JFR profiles: the service during {@code lifecycle}, the three JVMs during {@code sdk}. */
  final boolean profiling = !env("BENCH_PROFILE", "1").equals("0");

  /** The service's replay pacing ({@code rms.replay.rate}; 100 is its default). */
  final int replayRate = Integer.parseInt(env("BENCH_REPLAY_RATE", "100"));

  /** When the run started: the {@code replay} scenario replays the history since. */
  final java.time.Instant started = java.time.Instant.now();

  final Warmup warmup =
      new Warmup(
          Double.parseDouble(env("BENCH_WARMUP_WINDOW", "5")),
          Double.parseDouble(env("BENCH_WARMUP_MAX", "180")),
          0.05,
          0.1,
          () -> this.meter == null ? 0 : this.meter.jitSeconds());
  final Report report = new Report();
  final Map<UUID, Long> confirmStarted = new ConcurrentHashMap<>();

  /** Messages the prepare-only scenario left PREPARED; cancelled after it (not measured). */
  final java.util.Queue<UUID> leftPrepared = new java.util.concurrent.ConcurrentLinkedQueue<>();

  final List<Postgres> instances = new ArrayList<>();
  Path work;
  Db serviceDb;
  String prefix;
  Path jar;
  int port;
  int managementPort;
  ServiceProcess service;
  Lever serviceLever;

  /** The {@code rms.broker.*} settings the run's queues were declared with. */
  List<String> queueArguments = List.of();

  Api api;
  Consumer consumer;
  Consumer orderedConsumer;
  ConsumerProcess consumerApp;

  /**
   * The {@code pull} scenario's consumer or the {@code push} scenario's receiver while it runs (the
   * consumer party's CPU then).
   */
  volatile ConsumerProcess httpConsumer;

  Db consumerDb;
  Sdk sdk;
  PushSubscription push;
  TraceSink traces;
  CpuMeter meter;

  /** The lever the consumer app runs with (it restarts when a lever changes it). */
  Lever consumerLever;

  /** The {@code aot} lever's caches, trained before its rows. */
  AotCaches aot;

  /** The warm-up runs at the sweep's highest concurrency, so it compiles what the sweep runs. */
  int warmupConcurrency() {
    return Arrays.stream(concurrency).max().orElse(16);
  }
}
