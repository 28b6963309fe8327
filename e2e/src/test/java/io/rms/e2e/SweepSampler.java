package io.rms.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Samples one service instance's sweep metrics ({@code rms.sweep.batch.size}: runs and items
 * claimed per sweep) from {@code /actuator/prometheus} while a backlog drains, so the drain rate is
 * measured where the caps apply (claims per run, runs per second) rather than from bookkeeping
 * timestamps.
 */
final class SweepSampler implements AutoCloseable {
  private static final Pattern LINE =
      Pattern.compile(
          "^rms_sweep_batch_size_(count|sum|max)\\{[^}]*sweep=\"([a-z-]+)\"[^}]*\\} ([0-9.eE+-]+)$");

  record Sample(long atMillis, double runs, double items, double maxPerRun) {}

  private final String url;
  private final String sweep;
  private final List<Sample> samples = new ArrayList<>();
  private final Thread thread;
  private final HttpClient http = HttpClient.newHttpClient();
  private volatile boolean stop;

  SweepSampler(int port, String sweep) {
    this.url = "http://127.0.0.1:" + port + "/actuator/prometheus";
    this.sweep = sweep;
    this.thread = new Thread(this::loop, "sweep-sampler-" + sweep);
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (!stop) {
      try {
        Sample now = read(http, url, sweep);
        synchronized (samples) {
          samples.add(now);
        }
      } catch (Exception e) {
        // the service may be busy; the next sample counts
      }
      Harness.sleep(250);
    }
  }

  /** Runs and items claimed so far by {@code sweep} on the instance at {@code port}. */
  static Sample once(int port, String sweep) {
    try {
      return read(
          HttpClient.newHttpClient(), "http://127.0.0.1:" + port + "/actuator/prometheus", sweep);
    } catch (Exception e) {
      return new Sample(System.currentTimeMillis(), -1, -1, -1);
    }
  }

  private static Sample read(HttpClient http, String url, String sweep) throws Exception {
    String body =
        http.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    double runs = 0;
    double items = 0;
    double max = 0;
    for (String line : body.split("\n")) {
      Matcher m = LINE.matcher(line.trim());
      if (m.matches() && m.group(2).equals(sweep)) {
        double v = Double.parseDouble(m.group(3));
        switch (m.group(1)) {
          case "count" -> runs = v;
          case "sum" -> items = v;
          default -> max = v;
        }
      }
    }
    return new Sample(System.currentTimeMillis(), runs, items, max);
  }

  /** Runs, items and rates between the first sample with new items and the last one. */
  record Drain(double runs, double items, double seconds, double maxPerRun, double busiest5sItems) {
    double itemsPerSecond() {
      return seconds <= 0 ? items : items / seconds;
    }

    double runsPerSecond() {
      return seconds <= 0 ? runs : runs / seconds;
    }

    /** Runs per second counted between runs: {@code n} runs span {@code n - 1} intervals. */
    double runsPerInterval() {
      return seconds <= 0 || runs < 2 ? 0 : (runs - 1) / seconds;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%.0f items in %.0f runs over %.1f s: %.0f/s, %.2f runs/s between runs,"
              + " most in one run %.0f, busiest 5 s %.0f",
          items,
          runs,
          seconds,
          itemsPerSecond(),
          runsPerInterval(),
          maxPerRun,
          busiest5sItems);
    }
  }

  Drain drain() {
    List<Sample> s;
    synchronized (samples) {
      s = List.copyOf(samples);
    }
    if (s.size() < 2) {
      return new Drain(0, 0, 0, 0, 0);
    }
    Sample base = s.get(0);
    int first = -1;
    int last = -1;
    for (int i = 1; i < s.size(); i++) {
      if (s.get(i).items() > s.get(i - 1).items()) {
        if (first < 0) {
          first = i - 1;
        }
        last = i;
      }
    }
    if (first < 0) {
      return new Drain(0, 0, 0, 0, 0);
    }
    double maxPerRun = 0;
    double busiest = 0;
    for (int i = first; i <= last; i++) {
      maxPerRun = Math.max(maxPerRun, s.get(i).maxPerRun());
      for (int j = i; j <= last && s.get(j).atMillis() - s.get(i).atMillis() <= 5000; j++) {
        busiest = Math.max(busiest, s.get(j).items() - s.get(i).items());
      }
    }
    return new Drain(
        s.get(last).runs() - s.get(first).runs(),
        s.get(last).items() - s.get(first).items(),
        (s.get(last).atMillis() - s.get(first).atMillis()) / 1000.0,
        maxPerRun,
        busiest);
  }

  @Override
  public void close() {
    stop = true;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
