package io.rms.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The JDK 25 AOT caches (JEP 483/514/515: classes loaded and linked, method profiles) of the {@code
 * aot} lever, one per process it trains (the service, the consumer app), under the run's work
 * directory. A cache is valid only for the JVM and the class path that wrote it, so the harness
 * trains them on the run that uses them: {@link State#UNTRAINED} → {@link State#TRAINING} (the
 * processes run with {@code -XX:AOTCacheOutput}; a JVM writes its cache when it exits, also on
 * SIGTERM, not when killed) → {@link State#TRAINED} (the caches written; the processes run with
 * {@code -XX:AOTCache} and {@code -XX:AOTMode=on}, so a JVM that cannot map its cache does not
 * start, and {@link #checkUsed} fails the run when the process's own classes did not come from it).
 */
final class AotCaches {
  /** Where the caches are in their life. */
  enum State {
    UNTRAINED,
    TRAINING,
    TRAINED
  }

  static final String SERVICE = "service";
  static final String CONSUMER_APP = "consumer-app";

  /** How long a training process may take to exit: its JVM assembles the cache in a child JVM. */
  static final Duration EXIT_TIMEOUT = Duration.ofMinutes(5);

  private final Path dir;
  private final double loadSeconds;
  private final Clock clock;
  private final Map<String, Object> facts = new LinkedHashMap<>();
  private State state = State.UNTRAINED;
  private Instant trainingStarted;
  private Path serviceJar;

  /**
   * @param dir where the caches, their class-load logs and the extracted service go
   * @param loadSeconds seconds of {@code sdk} load the training runs
   */
  AotCaches(Path dir, double loadSeconds, Clock clock) {
    this.dir = dir;
    this.loadSeconds = loadSeconds;
    this.clock = clock;
  }

  State state() {
    return state;
  }

  double loadSeconds() {
    return loadSeconds;
  }

  Path cache(String process) {
    return dir.resolve(process + ".aot");
  }

  /** The class-load log of a process started with its cache ({@link #checkUsed}). */
  Path classLog(String process) {
    return dir.resolve(process + ".classes.log");
  }

  /** The JVM options of {@code process} in the current state. */
  List<String> options(String process) {
    return switch (state) {
      case UNTRAINED -> throw new IllegalStateException("the AOT caches are not trained yet");
      case TRAINING -> List.of("-XX:AOTCacheOutput=" + cache(process));
      case TRAINED ->
          List.of(
              "-XX:AOTCache=" + cache(process),
              "-XX:AOTMode=on",
              "-Xlog:class+load=info:file=" + classLog(process));
    };
  }

  /** The training starts: the processes are to be started with {@code -XX:AOTCacheOutput}. */
  void startTraining() throws IOException {
    if (state != State.UNTRAINED) {
      throw new IllegalStateException("AOT caches already " + state);
    }
    Files.createDirectories(dir);
    trainingStarted = clock.instant();
    state = State.TRAINING;
  }

  /**
   * The training processes have exited: each cache must be there. Records their sizes and the
   * training's time (starts, load, exits and the caches' assembly).
   */
  void trained(List<String> processes) throws IOException {
    if (state != State.TRAINING) {
      throw new IllegalStateException("AOT caches " + state + ", not in training");
    }
    Map<String, Double> mib = new LinkedHashMap<>();
    for (String process : processes) {
      Path cache = cache(process);
      if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
        throw new IllegalStateException(
            "the " + process + " wrote no AOT cache at " + cache + "; see its log");
      }
      mib.put(process, Math.round(Files.size(cache) / 1048576.0 * 10) / 10.0);
    }
    double seconds = Duration.between(trainingStarted, clock.instant()).toMillis() / 1000.0;
    facts.put("training_load_s", loadSeconds);
    facts.put("training_s", Math.round(seconds * 10) / 10.0);
    facts.put("cache_mib", mib);
    state = State.TRAINED;
  }

  /**
   * After a start with the cache: {@code mainClass} (the process's own) must have come from it,
   * else the JVM ran without the cache's application classes (class path changed) and the row would
   * not be what it says. Records how many of the classes loaded so far came from the cache. A no-op
   * unless {@link State#TRAINED}.
   */
  void checkUsed(String process, String mainClass) throws IOException, InterruptedException {
    if (state != State.TRAINED) {
      return;
    }
    Path log = classLog(process);
    ClassLoads loads = ClassLoads.NONE;
    for (int i = 0; i < 50 && !loads.has(mainClass); i++) {
      loads = ClassLoads.read(log);
      if (!loads.has(mainClass)) {
        Thread.sleep(100);
      }
    }
    if (!loads.has(mainClass)) {
      throw new IllegalStateException(
          "the "
              + process
              + " did not load "
              + mainClass
              + " from its AOT cache "
              + cache(process)
              + " (see "
              + log
              + ")");
    }
    @SuppressWarnings("unchecked")
    Map<String, String> used =
        (Map<String, String>)
            facts.computeIfAbsent("classes_from_cache", k -> new LinkedHashMap<>());
    used.put(process, loads.fromCache() + " of " + loads.total());
  }

  /** What the report says about the caches: training time, sizes, classes from the cache. */
  Map<String, Object> facts() {
    return Map.copyOf(facts);
  }

  /**
   * The service as the image runs it: the exec jar extracted ({@code -Djarmode=tools extract}) to
   * an application jar whose manifest names its libraries, so the JVM's own class loader loads them
   * and the cache can hold them (classes of the Spring Boot launcher's nested jars it cannot).
   * Extracted once, with {@code jvm}.
   */
  Path serviceJar(Path execJar, Jvm jvm) throws IOException, InterruptedException {
    if (serviceJar == null) {
      Path target = dir.resolve("service");
      List<String> cmd = new ArrayList<>(jvm.command());
      cmd.addAll(
          List.of(
              "-Djarmode=tools",
              "-jar",
              execJar.toString(),
              "extract",
              "--destination",
              "" + target));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) {
        throw new IllegalStateException("extracting " + execJar + " failed: " + out);
      }
      serviceJar = target.resolve(execJar.getFileName());
    }
    return serviceJar;
  }

  /** The {@code Main-Class} of a jar (the extracted service's is its application class). */
  static String mainClass(Path jar) throws IOException {
    try (JarFile j = new JarFile(jar.toFile())) {
      return j.getManifest().getMainAttributes().getValue("Main-Class");
    }
  }

  /** What a {@code -Xlog:class+load} log says: classes loaded, and from the cache. */
  record ClassLoads(long total, long fromCache, java.util.Set<String> cached) {
    static final ClassLoads NONE = new ClassLoads(0, 0, java.util.Set.of());

    boolean has(String className) {
      return cached.contains(className);
    }

    static ClassLoads read(Path log) throws IOException {
      if (!Files.exists(log)) {
        return NONE;
      }
      try (Stream<String> lines = Files.lines(log)) {
        return of(lines.toList());
      }
    }

    /** From the log's lines ({@code [..][info][class,load] <name> source: <where>}). */
    static ClassLoads of(List<String> lines) {
      long total = 0;
      long fromCache = 0;
      java.util.Set<String> cached = new java.util.HashSet<>();
      for (String line : lines) {
        int source = line.indexOf(" source: ");
        if (source < 0) {
          continue;
        }
        total++;
        if (line.startsWith("shared objects file", source + 9)) {
          fromCache++;
          String before = line.substring(0, source);
          cached.add(before.substring(before.lastIndexOf(' ') + 1));
        }
      }
      return new ClassLoads(total, fromCache, java.util.Set.copyOf(cached));
    }
  }
}
