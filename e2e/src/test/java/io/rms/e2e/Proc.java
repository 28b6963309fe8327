package io.rms.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An operating-system process the harness started, with the signals the scenarios send. Every
 * process is registered so that {@link #killAll()} (from {@code @AfterAll} and a shutdown hook)
 * leaves nothing behind, and every command line carries the run's work directory so that a previous
 * run that died without cleaning up can be found ({@link #killLeftovers(Path)}).
 */
final class Proc {
  private static final List<Proc> ALL = new CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(Proc::killAll, "e2e-cleanup"));
  }

  final String name;
  final Process process;
  final Path log;

  private Proc(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static Proc start(String name, List<String> command, Map<String, String> env, Path log) {
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().putAll(env);
      Proc p = new Proc(name, pb.start(), log);
      ALL.add(p);
      return p;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name + ": " + command, e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /**
   * The first descendant matching {@code command} (e.g. the broker's beam.smp under its script).
   */
  Optional<ProcessHandle> descendant(Predicate<String> command) {
    return process
        .descendants()
        .filter(h -> h.info().command().map(command::test).orElse(false))
        .findFirst();
  }

  /** kill -9 of the process and all its descendants. */
  void kill9() {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ALL.remove(this);
  }

  /** SIGTERM, then kill -9 after {@code grace}. */
  void stop(Duration grace) {
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        kill9();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    ALL.remove(this);
  }

  /** SIGSTOP: the process freezes, its sockets stay open. */
  void pause() {
    signal("STOP", pid());
  }

  /** SIGCONT. */
  void resume() {
    signal("CONT", pid());
  }

  static void signal(String signal, long pid) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
      kill.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Last {@code lines} lines of the process's log. */
  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | RuntimeException e) {
      return "(no log: " + e + ")";
    }
  }

  static void killAll() {
    for (Proc p : List.copyOf(ALL)) {
      try {
        p.resume(); // a stopped process ignores SIGTERM until continued; SIGKILL works anyway
        p.kill9();
      } catch (RuntimeException ignored) {
        // best effort
      }
    }
  }

  /**
   * Kills processes of an earlier run that died without cleaning up: every process whose command
   * line names {@code marker} (this suite's own directories; never a process by name).
   */
  static void killLeftovers(String marker) {
    ProcessHandle self = ProcessHandle.current();
    ProcessHandle.allProcesses()
        .filter(h -> h.pid() != self.pid())
        .filter(h -> h.info().commandLine().map(c -> c.contains(marker)).orElse(false))
        .forEach(
            h -> {
              signal("CONT", h.pid());
              h.destroyForcibly();
            });
  }
}
