package io.rms.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM a process of the benchmark runs on: its Java home (null: the harness's own) and the
 * options put before the main class or jar (e.g. an AOT cache's, {@link AotCaches}).
 */
record Jvm(Path home, List<String> options) {

  /** The harness's own JVM, no options. */
  static final Jvm HARNESS = new Jvm(null, List.of());

  Jvm {
    options = List.copyOf(options);
  }

  /** The {@code java} launcher and the options, the start of a command line. */
  List<String> command() {
    Path h = home != null ? home : Path.of(System.getProperty("java.home"));
    List<String> cmd = new ArrayList<>();
    cmd.add(h.resolve("bin").resolve("java").toString());
    cmd.addAll(options);
    return cmd;
  }

  /** The same JVM with {@code more} options after its own. */
  Jvm with(List<String> more) {
    List<String> all = new ArrayList<>(options);
    all.addAll(more);
    return new Jvm(home, all);
  }
}
