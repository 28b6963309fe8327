package io.rms.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JVM's CPU goes, from a JDK Flight Recorder recording: its execution samples split by
 * layer, plus the total of garbage-collection pauses ({@link #breakdown}, the service during a
 * {@code lifecycle} run); and, for each party of the {@code sdk} path ({@link #party}), the top
 * frames by self and by total samples ({@link FrameStats}) and the layers both ways. By self, a
 * sample counts for the layer of its innermost frame outside the JDK, so time in {@code java.*}
 * belongs to whoever called it; by total, for every layer with a frame anywhere on its stack.
 */
final class Profile {
  private Profile() {}

  /** Frames listed by self samples per party. */
  static final int TOP_SELF = 15;

  /** Frames listed by total samples per party. */
  static final int TOP_TOTAL = 10;

  static final String OTHER = "other (JDK, libraries)";

  /** Layers in the order they are tried on a frame's class name. */
  private static final Map<String, List<String>> LAYERS = new LinkedHashMap<>();

  static {
    LAYERS.put(
        "HTTP server (Tomcat)",
        List.of("org.apache.catalina.", "org.apache.coyote.", "org.apache.tomcat."));
    LAYERS.put(
        "HTTP client (Feign, JDK HTTP)",
        List.of("feign.", "sun.net.www.", "java.net.http.", "jdk.internal.net.http."));
    LAYERS.put("Spring Security", List.of("org.springframework.security."));
    LAYERS.put(
        "Spring MVC + HTTP observation",
        List.of("org.springframework.web.", "org.springframework.http.", "io.micrometer."));
    LAYERS.put("JSON (Jackson)", List.of("tools.jackson.", "com.fasterxml.jackson."));
    LAYERS.put(
        "transactions (Spring tx, JPA)",
        List.of("org.springframework.transaction.", "org.springframework.orm.", "org.hibernate."));
    LAYERS.put(
        "JDBC (Spring JDBC, Hikari, pgjdbc)",
        List.of("org.springframework.jdbc.", "com.zaxxer.hikari.", "org.postgresql."));
    LAYERS.put(
        "AMQP (Spring AMQP, RabbitMQ client)",
        List.of("org.springframework.amqp.", "com.rabbitmq."));
    LAYERS.put("producer SDK (io.rms.producer)", List.of("io.rms.producer."));
    LAYERS.put("consumer SDK (io.rms.consumer)", List.of("io.rms.consumer."));
    LAYERS.put(
        "SDK client (io.rms.sdk, io.rms.api, Resilience4j)",
        List.of("io.rms.sdk.", "io.rms.api.", "io.github.resilience4j."));
    LAYERS.put("bench harness and apps (io.rms.bench)", List.of("io.rms.bench."));
    LAYERS.put("service code (io.rms)", List.of("io.rms."));
    LAYERS.put("other Spring", List.of("org.springframework."));
  }

  /** Shares of samples per layer (percent), then {@code samples} and {@code gc_pause_ms}. */
  static Map<String, Object> breakdown(Path jfr) throws IOException {
    Recorded recorded = read(jfr);
    Map<String, Object> result = new LinkedHashMap<>(layersBySelf(recorded.stacks()));
    result.put("samples", (long) recorded.stacks().size());
    result.put("gc_pause_ms", recorded.gc().toMillis());
    return result;
  }

  /**
   * One party's recording: {@code samples}, {@code gc_pause_ms}, {@code top_self}, {@code
   * top_total} (lists of {@code frame} and {@code share} in percent), {@code layers_self} and
   * {@code layers_total} (percent per layer).
   */
  static Map<String, Object> party(Path jfr) throws IOException {
    Recorded recorded = read(jfr);
    Map<String, Object> result = summarize(recorded.stacks());
    result.put("gc_pause_ms", recorded.gc().toMillis());
    return result;
  }

  /** {@link #party} of stacks given as {@code class.method} frames, innermost first. */
  static Map<String, Object> summarize(List<List<String>> stacks) {
    FrameStats frames = new FrameStats();
    stacks.forEach(frames::add);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("samples", (long) frames.samples());
    result.put("top_self", frames.topSelf(TOP_SELF));
    result.put("top_total", frames.topTotal(TOP_TOTAL));
    result.put("layers_self", layersBySelf(stacks));
    result.put("layers_total", layersByTotal(stacks));
    return result;
  }

  /** The samples' stacks and the GC pauses of a recording. */
  private record Recorded(List<List<String>> stacks, Duration gc) {}

  private static Recorded read(Path jfr) throws IOException {
    List<List<String>> stacks = new ArrayList<>();
    Map<String, String> names = new HashMap<>();
    Duration gc = Duration.ZERO;
    try (RecordingFile file = new RecordingFile(jfr)) {
      while (file.hasMoreEvents()) {
        RecordedEvent event = file.readEvent();
        String type = event.getEventType().getName();
        if (type.equals("jdk.GarbageCollection")) {
          gc = gc.plus(event.getDuration("sumOfPauses"));
        } else if (type.equals("jdk.ExecutionSample") && event.getStackTrace() != null) {
          List<String> stack = new ArrayList<>();
          for (RecordedFrame frame : event.getStackTrace().getFrames()) {
            String name = name(frame.getMethod());
            stack.add(names.computeIfAbsent(name, n -> n));
          }
          stacks.add(stack);
        }
      }
    }
    return new Recorded(stacks, gc);
  }

  /**
   * {@code class.method}, the generated part of a lambda's, hidden class's or JDK proxy's name
   * dropped, so the same one is one frame in every recording.
   */
  static String name(RecordedMethod method) {
    return name(method.getType().getName(), method.getName());
  }

  static String name(String type, String method) {
    String plain =
        type.replaceAll("\\$\\$Lambda[$/.].*", "\\$\\$Lambda")
            .replaceAll("\\+0x[0-9a-f]+.*", "")
            .replaceAll("\\$Proxy\\d+$", "\\$Proxy");
    return plain + "." + method;
  }

  private static Map<String, Double> layersBySelf(List<List<String>> stacks) {
    Map<String, Long> counts = emptyCounts();
    stacks.forEach(stack -> counts.merge(layer(stack), 1L, Long::sum));
    return shares(counts, stacks.size());
  }

  private static Map<String, Double> layersByTotal(List<List<String>> stacks) {
    Map<String, Long> counts = emptyCounts();
    counts.remove(OTHER); // every stack has JDK frames
    for (List<String> stack : stacks) {
      Set<String> layers = new HashSet<>();
      for (String frame : stack) {
        String layer = layerOf(className(frame));
        if (layer != null) {
          layers.add(layer);
        }
      }
      layers.forEach(layer -> counts.merge(layer, 1L, Long::sum));
    }
    return shares(counts, stacks.size());
  }

  private static Map<String, Long> emptyCounts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    LAYERS.keySet().forEach(layer -> counts.put(layer, 0L));
    counts.put(OTHER, 0L);
    return counts;
  }

  private static Map<String, Double> shares(Map<String, Long> counts, long samples) {
    Map<String, Double> shares = new LinkedHashMap<>();
    counts.forEach((layer, n) -> shares.put(layer, FrameStats.share(n, samples)));
    return shares;
  }

  /** The layer of the innermost frame outside the JDK. */
  private static String layer(List<String> stack) {
    for (String frame : stack) {
      String type = className(frame);
      if (type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.")) {
        continue;
      }
      String layer = layerOf(type);
      return layer == null ? OTHER : layer;
    }
    return OTHER;
  }

  private static String layerOf(String type) {
    for (Map.Entry<String, List<String>> layer : LAYERS.entrySet()) {
      for (String prefix : layer.getValue()) {
        if (type.startsWith(prefix)) {
          return layer.getKey();
        }
      }
    }
    return null;
  }

  private static String className(String frame) {
    int dot = frame.lastIndexOf('.');
    return dot < 0 ? frame : frame.substring(0, dot);
  }
}
