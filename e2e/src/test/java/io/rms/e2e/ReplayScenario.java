package io.rms.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.e2e.Checker.Figures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import tools.jackson.databind.JsonNode;

/**
 * s18 (docs/reliability.md): a consumer bug loses effects for a window, and an operator's replay
 * restores them. The consumer app (its own JVM, consumer SDK) acks without its effect while {@link
 * Harness#consumerLosesEffects} exists; the test switches that on and off by consumption during a
 * steady flow. Once everything is acked, the messages that lost their effect are read from the
 * consumer's database and their {@code confirmed_at} from the service's: the replay window is
 * [earliest, latest + 1 µs) of those, so its selection is exactly the messages confirmed then, a
 * superset of the lost ones (messages confirmed in the window but consumed just outside the bug get
 * their effect a second time, marked with the replay id, and are counted). A dry run, the replay on
 * service 1, the same request again on service 2 (same replay, nothing doubled), then: every
 * message outside the window has exactly its one first effect, every lost one exactly one from the
 * replay, 0 lost, 0 phantom. Called by {@link FaultInjectionIT}, which owns the cluster.
 */
final class ReplayScenario {
  static final String SC = "s18-replay";
  private static final String ADMIN = "/api/v1/admin/subscriptions/" + Harness.SUBSCRIPTION;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  private final Harness h;
  private final Path figuresFile;
  private final int n;
  private final int rate;
  private final Duration quiet;

  /** Waits for the scenario's I1–I3 and reports its row ({@code FaultInjectionIT.finish}). */
  @FunctionalInterface
  interface Finish {
    Figures finish(String sc, Instant healed, List<String> notes);
  }

  ReplayScenario(Harness h, Path figuresFile, int n, int rate, Duration quiet) {
    this.h = h;
    this.figuresFile = figuresFile;
    this.n = n;
    this.rate = rate;
    this.quiet = quiet;
  }

  void run(Finish finish) {
    String like = SC + "-%";
    Path bug = h.consumerLosesEffects;
    h.services[1].start(Duration.ofMinutes(4)); // the replay's second replica
    try {
      // ---- the flow, with the bug switched on and off by consumption -----------------------
      Harness.Answer produced =
          h.producerCall(
              "POST",
              "/e2e/produce?scenario="
                  + SC
                  + "&n="
                  + n
                  + "&rate="
                  + rate
                  + "&rollbackEvery=5&threads=8");
      assertThat(produced.status()).as(produced.body()).isEqualTo(200);
      await(Duration.ofMinutes(3), 20, () -> consumer("effect", like) >= n / 5);
      Files.createFile(bug);
      Instant bugOn = Instant.now();
      await(Duration.ofMinutes(3), 20, () -> consumer("lost_effect", like) >= n / 4);
      Files.delete(bug);
      Instant bugOff = Instant.now();
      await(
          Duration.ofMinutes(5),
          250,
          () -> h.producerCall("GET", "/e2e/status").json().get("done").asBoolean());
      Set<String> committed =
          set(h.appsPg.query("producer", "select key from business where key like ?", S, like));
      await(quiet, 500, () -> settled(like, committed.size()));

      // ---- what the bug lost, and the window in confirm time --------------------------------
      Set<String> applied =
          set(h.appsPg.query("consumer", "select key from effect where key like ?", S, like));
      List<String> lostRows =
          h.appsPg.query("consumer", "select key from lost_effect where key like ?", S, like);
      Set<String> lost = set(lostRows);
      Set<String> missing = new HashSet<>(committed);
      missing.removeAll(applied);
      assertThat(lost).as("effects the bug lost").isNotEmpty();
      assertThat(lostRows).as("each lost once (the inbox kept it)").hasSize(lost.size());
      assertThat(missing)
          .as("committed without an effect: exactly what the bug lost")
          .isEqualTo(lost);
      Map<String, Instant> confirmed = new HashMap<>();
      for (Map.Entry<String, Instant> e :
          h.servicePg.query(
              "rms",
              "select business_key, confirmed_at from message where business_key like ?"
                  + " and confirmed_at is not null",
              rs -> Map.entry(rs.getString(1), rs.getTimestamp(2).toInstant()),
              like)) {
        confirmed.put(e.getKey(), e.getValue());
      }
      Instant from = lost.stream().map(confirmed::get).min(Instant::compareTo).orElseThrow();
      Instant to =
          lost.stream().map(confirmed::get).max(Instant::compareTo).orElseThrow().plusNanos(1000);
      Set<String> window =
          set(
              h.servicePg.query(
                  "rms",
                  "select business_key from message where topic = ? and status in"
                      + " ('CONFIRMED', 'DELIVERED') and confirmed_at >= ? and confirmed_at < ?",
                  S,
                  Harness.TOPIC,
                  from,
                  to));
      assertThat(window).as("confirmed in the window").allMatch(k -> k.startsWith(SC + "-"));
      assertThat(window).containsAll(lost);
      Set<String> appliedTwice = new HashSet<>(window);
      appliedTwice.removeAll(lost);

      // ---- the replay: a dry run, the start, the same start on the other replica -------------
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("from", from.toString());
      body.put("to", to.toString());
      body.put("dryRun", true);
      long replaysBefore = replays();
      Harness.Answer dry = api(0, "POST", ADMIN + "/replay", body);
      assertThat(dry.status()).as(dry.body()).isEqualTo(200);
      assertThat(replays()).as("a dry run starts nothing").isEqualTo(replaysBefore);
      String id = SC + "-" + System.currentTimeMillis();
      body.remove("dryRun");
      body.put("replayId", id);
      Instant started = Instant.now();
      Harness.Answer first = api(0, "POST", ADMIN + "/replay", body);
      Harness.Answer again = api(1, "POST", ADMIN + "/replay", body);
      assertThat(first.status()).as(first.body()).isEqualTo(202);
      assertThat(again.status()).as(again.body()).isEqualTo(202);
      assertThat(first.json().path("replayId").asString()).isEqualTo(id);
      assertThat(again.json().path("replayId").asString()).as("the same replay").isEqualTo(id);
      JsonNode view = awaitDone(id);
      Instant done = Instant.now();
      await(
          quiet,
          500,
          () ->
              replayEffects(like, id) >= window.size()
                  && settled(like, committed.size())
                  && consumer("effect", like) >= committed.size() + appliedTwice.size());
      Figures f = finish.finish(SC, started, notes(bugOn, bugOff, from, to, lost, window));

      // ---- per message: which cycles took effect ---------------------------------------------
      Map<String, List<String>> cycles = new HashMap<>();
      for (Map.Entry<String, String> e :
          h.appsPg.query(
              "consumer",
              "select key, coalesce(replay_id, '') from effect where key like ?",
              rs -> Map.entry(rs.getString(1), rs.getString(2)),
              like)) {
        cycles.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
      }
      List<String> wrong = new ArrayList<>();
      int outsideExtra = 0;
      Set<String> sawReplay = new HashSet<>();
      for (String key : committed) {
        List<String> c = new ArrayList<>(cycles.getOrDefault(key, List.of()));
        Collections.sort(c);
        List<String> expected =
            !window.contains(key)
                ? List.of("")
                : lost.contains(key) ? List.of(id) : List.of("", id);
        if (!c.equals(expected)) {
          wrong.add(key + ": effects of cycles " + c + ", expected " + expected);
        }
        if (!window.contains(key)) {
          outsideExtra += Math.max(0, c.size() - 1);
        }
        if (c.contains(id)) {
          sawReplay.add(key);
        }
      }
      Set<String> resetAtService =
          set(
              h.servicePg.query(
                  "rms",
                  "select m.business_key from delivery d join message m on m.id = d.message_id"
                      + " where d.replay_id = ?",
                  S,
                  id));
      long replayedEvents =
          h.servicePg.count(
              "rms",
              "select count(*) from message_event where type = 'REPLAYED' and detail->>'replayId' = ?",
              id);
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("bug on (by consumption) ms", Duration.between(bugOn, bugOff).toMillis());
      figures.put("lost by the bug", lost.size());
      figures.put("window (confirm time) ms", Duration.between(from, to).toMillis());
      figures.put("confirmed in the window", window.size());
      figures.put("dry run selected", dry.json().path("selected").asInt());
      figures.put("selected", view.path("selected").asInt());
      figures.put("replayed", view.path("replayed").asInt());
      figures.put("applied before and again by the replay (inside)", appliedTwice.size());
      figures.put("duplicate effects outside the replay", outsideExtra);
      figures.put(
          "replay start → DONE s",
          secs(
              Instant.parse(view.path("startedAt").asString()),
              Instant.parse(view.path("finishedAt").asString())));
      figures.put("replay start → all re-applied s", secs(started, lastReplayEffect(like, id)));
      figures.put("request → DONE seen s", secs(started, done));
      report(figures);

      assertThat(replays()).as("one replay, not two").isEqualTo(replaysBefore + 1);
      assertThat(dry.json().path("selected").asInt()).isEqualTo(window.size());
      assertThat(first.json().path("selected").asInt()).isEqualTo(window.size());
      assertThat(again.json().path("selected").asInt()).isEqualTo(window.size());
      assertThat(view.path("replayed").asInt()).isEqualTo(window.size());
      assertThat(view.path("skipped").asInt()).isZero();
      assertThat(replayedEvents)
          .as("REPLAYED events: each message reset once")
          .isEqualTo(window.size());
      assertThat(resetAtService).as("deliveries of the replay").isEqualTo(window);
      assertThat(wrong).as("effects per cycle").isEmpty();
      assertThat(sawReplay).as("the handler saw the replay id on exactly these").isEqualTo(window);
      assertThat(outsideExtra).isZero();
      assertThat(f.lost()).isZero();
      assertThat(f.phantom()).isZero();
      assertThat(f.delivered()).isEqualTo(committed.size());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        Files.deleteIfExists(bug);
      } catch (IOException ignored) {
        // ensureHealthy does not know the bug: best effort, and the next scenario's check fails
      }
      h.services[1].stop();
    }
  }

  private static List<String> notes(
      Instant bugOn, Instant bugOff, Instant from, Instant to, Set<String> lost, Set<String> w) {
    return List.of(
        "consumer bug (acks without its effect) on for "
            + Duration.between(bugOn, bugOff).toMillis()
            + " ms: "
            + lost.size()
            + " effects lost; replay window ["
            + from
            + ", "
            + to
            + ") holds "
            + w.size()
            + " messages ("
            + (w.size() - lost.size())
            + " of them applied before: a second, replay-marked effect)");
  }

  /** Every message of the scenario finished at the service and accounted for at the consumer. */
  private boolean settled(String like, int committed) {
    long open =
        h.servicePg.count(
            "rms",
            "select count(*) from message where business_key like ?"
                + " and status not in ('DELIVERED', 'CANCELLED')",
            like);
    long delivered =
        h.servicePg.count(
            "rms",
            "select count(*) from message where business_key like ? and status = 'DELIVERED'",
            like);
    long accounted =
        h.appsPg.count(
            "consumer",
            "select count(*) from (select key from effect where key like ?"
                + " union select key from lost_effect where key like ?) k",
            like,
            like);
    return open == 0 && delivered == committed && accounted == committed;
  }

  private long consumer(String table, String like) {
    return h.appsPg.count("consumer", "select count(*) from " + table + " where key like ?", like);
  }

  private long replayEffects(String like, String id) {
    return h.appsPg.count(
        "consumer", "select count(*) from effect where key like ? and replay_id = ?", like, id);
  }

  private Instant lastReplayEffect(String like, String id) {
    return h.appsPg
        .query(
            "consumer",
            "select max(at) from effect where key like ? and replay_id = ?",
            Postgres.INSTANT,
            like,
            id)
        .get(0);
  }

  /** Replays of the subscription the service knows (any state). */
  private long replays() {
    return h.servicePg.count(
        "rms", "select count(*) from replay where subscription = ?", Harness.SUBSCRIPTION);
  }

  /** Follows the replay on service 1's {@code GET .../replays} until it is DONE; its view. */
  private JsonNode awaitDone(String id) {
    JsonNode[] found = {null};
    await(
        quiet,
        250,
        () -> {
          for (JsonNode r : api(0, "GET", ADMIN + "/replays", null).json()) {
            if (id.equals(r.path("replayId").asString())) {
              found[0] = r;
              return "DONE".equals(r.path("state").asString());
            }
          }
          return false;
        });
    return found[0];
  }

  /** A call to service instance {@code i + 1} with the operator's key. */
  private Harness.Answer api(int i, String method, String path, Map<String, Object> body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.servicePorts[i] + path))
            .timeout(Duration.ofSeconds(20))
            .header("Authorization", "Bearer " + Harness.OPERATOR_KEY)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(Harness.JSON.writeValueAsString(body)))
            .build();
    try {
      HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Harness.Answer(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static final Postgres.Column<String> S = rs -> rs.getString(1);

  private static Set<String> set(List<String> values) {
    return new HashSet<>(values);
  }

  private static void await(Duration timeout, long everyMillis, BooleanSupplier done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout);
      }
      Harness.sleep(everyMillis);
    }
  }

  private static double secs(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1e3;
  }

  private void report(Map<String, Object> figures) {
    StringBuilder line = new StringBuilder(SC);
    figures.forEach((k, v) -> line.append(" | ").append(k).append(": ").append(v));
    System.out.println("[e2e] " + line);
    try {
      Files.writeString(figuresFile, "\n" + line + "\n", StandardOpenOption.APPEND);
    } catch (IOException ignored) {
      // printed anyway
    }
  }
}
