package io.rms.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** A JVM the harness runs (a service instance, the producer or the consumer), restartable. */
final class JavaApp {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final String name;
  private final Supplier<List<String>> command;
  private final Path log;
  private final String readyUrl;
  private final String readyLogLine;
  private Proc proc;
  int starts;

  private JavaApp(
      String name, Supplier<List<String>> command, Path log, String readyUrl, String readyLine) {
    this.name = name;
    this.command = command;
    this.log = log;
    this.readyUrl = readyUrl;
    this.readyLogLine = readyLine;
  }

  /** A JVM that is ready when {@code readyUrl} answers 200 (or its log shows {@code readyLine}). */
  static JavaApp of(
      String name,
      String marker,
      List<String> jvmArgs,
      List<String> mainAndArgs,
      Path log,
      String readyUrl,
      String readyLine) {
    Supplier<List<String>> cmd =
        () -> {
          List<String> c = new ArrayList<>();
          c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
          c.add("-De2e.marker=" + marker);
          c.addAll(jvmArgs);
          c.addAll(mainAndArgs);
          return c;
        };
    return new JavaApp(name, cmd, log, readyUrl, readyLine);
  }

  /** Starts the JVM and waits until it is ready. */
  void start(Duration timeout) {
    starts++;
    try {
      Files.writeString(
          log,
          "\n===== start " + starts + " at " + java.time.Instant.now() + "\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (java.io.IOException ignored) {
      // logging only
    }
    proc = Proc.start(name, command.get(), Map.of(), log);
    awaitReady(timeout);
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!proc.alive()) {
        throw new IllegalStateException(name + " exited:\n" + proc.tail(60));
      }
      if (readyUrl != null) {
        try {
          HttpResponse<String> r =
              HTTP.send(
                  HttpRequest.newBuilder(URI.create(readyUrl))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            return;
          }
        } catch (java.io.IOException notYet) {
          // starting
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      } else if (logSinceStart().contains(readyLogLine)) {
        return;
      }
      Harness.sleep(300);
    }
    throw new IllegalStateException(name + " not ready within " + timeout + ":\n" + proc.tail(60));
  }

  private String logSinceStart() {
    try {
      String all = Files.readString(log);
      int at = all.lastIndexOf("===== start " + starts + " ");
      return at < 0 ? all : all.substring(at);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  boolean alive() {
    return proc != null && proc.alive();
  }

  long pid() {
    return proc.pid();
  }

  void kill9() {
    proc.kill9();
  }

  void pause() {
    proc.pause();
  }

  void resume() {
    proc.resume();
  }

  void stop() {
    if (proc != null && proc.alive()) {
      proc.stop(Duration.ofSeconds(20));
    }
  }

  String tail(int lines) {
    return proc == null ? "" : proc.tail(lines);
  }
}
