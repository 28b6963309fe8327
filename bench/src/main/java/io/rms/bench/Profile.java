package io.rms.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the service's CPU goes: a JDK Flight Recorder recording of the service taken during one
 * closed-loop run, its execution samples split by layer. A sample counts for the layer of its
 * innermost frame outside the JDK, so time in {@code java.*} belongs to whoever called it; plus the
 * total of garbage-collection pauses.
 */
final class Profile {
  private Profile() {}

  /** Layers in the order they are tried on a frame's class name. */
  private static final Map<String, List<String>> LAYERS = new LinkedHashMap<>();

  static {
    LAYERS.put(
        "HTTP server (Tomcat)",
        List.of("org.apache.catalina.", "org.apache.coyote.", "org.apache.tomcat."));
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
    LAYERS.put("service code (io.rms)", List.of("io.rms."));
    LAYERS.put("other Spring", List.of("org.springframework."));
  }

  /** Shares of samples per layer (percent), then {@code samples} and {@code gc_pause_ms}. */
  static Map<String, Object> breakdown(Path jfr) throws IOException {
    Map<String, Long> counts = new LinkedHashMap<>();
    LAYERS.keySet().forEach(layer -> counts.put(layer, 0L));
    counts.put("other (JDK, libraries)", 0L);
    long samples = 0;
    Duration gc = Duration.ZERO;
    try (RecordingFile file = new RecordingFile(jfr)) {
      while (file.hasMoreEvents()) {
        RecordedEvent event = file.readEvent();
        String type = event.getEventType().getName();
        if (type.equals("jdk.GarbageCollection")) {
          gc = gc.plus(event.getDuration("sumOfPauses"));
        } else if (type.equals("jdk.ExecutionSample") && event.getStackTrace() != null) {
          samples++;
          counts.merge(layer(event.getStackTrace().getFrames()), 1L, Long::sum);
        }
      }
    }
    Map<String, Object> result = new LinkedHashMap<>();
    long total = Math.max(1, samples);
    counts.forEach((layer, n) -> result.put(layer, Math.round(n * 1000.0 / total) / 10.0));
    result.put("samples", samples);
    result.put("gc_pause_ms", gc.toMillis());
    return result;
  }

  private static String layer(List<RecordedFrame> frames) {
    for (RecordedFrame frame : frames) {
      String type = frame.getMethod().getType().getName();
      if (type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.")) {
        continue;
      }
      for (Map.Entry<String, List<String>> layer : LAYERS.entrySet()) {
        for (String prefix : layer.getValue()) {
          if (type.startsWith(prefix)) {
            return layer.getKey();
          }
        }
      }
      return "other (JDK, libraries)";
    }
    return "other (JDK, libraries)";
  }
}
