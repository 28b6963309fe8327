package io.rms.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The machine's PostgreSQL server binaries (Debian's {@code /usr/lib/postgresql/<version>/bin}),
 * for harnesses that run a private cluster of their own: create it, start and stop its postmaster.
 * When the harness runs as root, every server command runs as the {@code postgres} user (the server
 * refuses root) and the cluster's directory belongs to that user.
 */
public final class PostgresBinaries {
  private final Path bin;

  private PostgresBinaries(Path bin) {
    this.bin = bin;
  }

  /**
   * The binaries at {@code configured} when it is set, else the newest version's; {@code knob}
   * names the setting that overrides them, for the error when there are none.
   */
  public static PostgresBinaries find(String configured, String knob) {
    if (configured != null && !configured.isBlank()) {
      return new PostgresBinaries(Path.of(configured));
    }
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions
          .filter(v -> v.getFileName().toString().matches("\\d+"))
          .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
          .map(v -> new PostgresBinaries(v.resolve("bin")))
          .orElseThrow();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "no PostgreSQL server binaries under /usr/lib/postgresql; set " + knob, e);
    }
  }

  /** The path of one of the binaries ({@code postgres}, {@code pg_ctl}, …). */
  public String tool(String name) {
    return bin.resolve(name).toString();
  }

  /** Creates {@code dir} and a cluster in {@code data} (trust auth, UTF8, superuser postgres). */
  public void initdb(Path dir, Path data) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    if (root()) {
      exec(List.of("chown", "-R", "postgres:postgres", dir.toString()));
    }
    exec(
        asPostgres(
            List.of(
                tool("initdb"),
                "-D",
                data.toString(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync")));
  }

  /** {@code pg_ctl stop} with {@code mode} ({@code fast}, {@code immediate}), waiting for it. */
  public void stop(Path data, String mode) {
    exec(asPostgres(List.of(tool("pg_ctl"), "-D", data.toString(), "-m", mode, "-w", "stop")));
  }

  /** {@code cmd} as the {@code postgres} user when this process is root, else as it is. */
  public static List<String> asPostgres(List<String> cmd) {
    if (!root()) {
      return cmd;
    }
    List<String> c = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
    c.addAll(cmd);
    return c;
  }

  /** True when this process runs as root. */
  public static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Runs {@code cmd} to its end (at most 120 s); fails with its output unless it exits 0. */
  private static void exec(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(cmd + " failed: " + out);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
