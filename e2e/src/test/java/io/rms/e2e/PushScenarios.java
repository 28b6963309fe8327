package io.rms.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The push scenarios s22–s25 (docs/reliability.md): a push subscription of the e2e consumer app to
 * a {@link PushReceiver} in the test JVM, messages sent through service-1's API, the receiver's
 * failure injected, and the outcome read from the receiver (applied, duplicates, order) and the
 * service's database (attempts, events, states). Called by {@link FaultInjectionIT}, which owns the
 * cluster.
 */
final class PushScenarios {
  private final Harness h;
  private final Path figuresFile;
  private final boolean longRun;

  PushScenarios(Harness h, Path figuresFile, boolean longRun) {
    this.h = h;
    this.figuresFile = figuresFile;
    this.longRun = longRun;
  }

  /**
   * s22: the receiver is down (its port refuses connections) for 2 minutes in the long run, 20 s in
   * the short one (pause-after 60 s / 10 s): the circuit opens, deliveries wait without using
   * attempts, the subscription is paused by the service; the receiver comes back, an operator
   * resumes, nothing is lost.
   */
  void receiverDown() {
    String sc = "s22-push-receiver-down";
    Duration downFor = longRun ? Duration.ofMinutes(2) : Duration.ofSeconds(20);
    Duration pauseAfter = longRun ? Duration.ofSeconds(60) : Duration.ofSeconds(10);
    int n = longRun ? 1000 : 100;
    try (PushReceiver receiver = new PushReceiver()) {
      String sub = "e2e.push.down";
      Map<String, Object> push = push(receiver, 4);
      push.put("pauseAfterSeconds", pauseAfter.toSeconds());
      String secret = create(sub, Harness.PUSH_TOPICS[0], push, false);
      receiver.trusting(secret).up();
      Instant start = Instant.now();
      List<String> ids = new ArrayList<>(send(Harness.PUSH_TOPICS[0], n * 3 / 10, null));
      await(Duration.ofMinutes(2), () -> receiver.applied.size() >= ids.size());
      receiver.down();
      Instant down = Instant.now();
      int attemptsBefore = attempts(sub);
      ids.addAll(send(Harness.PUSH_TOPICS[0], n - ids.size(), null));
      await(downFor.plus(pauseAfter).plusMinutes(1), () -> pausedBy(sub).equals("system"));
      Instant paused = Instant.now();
      int failedWhileDown = attempts(sub) - attemptsBefore;
      long deadWhileDown =
          count("select count(*) from delivery where subscription = ? and status = 'DEAD'", sub);
      sleepUntil(down.plus(downFor));
      receiver.up();
      Instant up = Instant.now();
      Harness.Answer resumed =
          h.api(
              "POST", "/api/v1/admin/subscriptions/" + sub + "/resume", Harness.OPERATOR_KEY, null);
      assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
      await(Duration.ofMinutes(3), () -> receiver.applied.containsAll(ids));
      Instant drained = Instant.now();
      awaitAcked(sub, ids.size());
      long lost = ids.stream().filter(id -> !receiver.applied.contains(id)).count();
      report(
          sc,
          Map.of(
              "sent", ids.size(),
              "applied", receiver.applied.size(),
              "lost", lost,
              "duplicates", receiver.duplicates.get(),
              "attempts used while down", failedWhileDown,
              "dead", deadWhileDown,
              "deferred events",
                  count(
                      "select count(*) from message_event where subscription = ? and type = 'PUSH_DEFERRED'",
                      sub),
              "down → paused s", secs(down, paused),
              "up → all applied s", secs(up, drained),
              "total s", secs(start, drained)));
      assertThat(lost).isZero();
      assertThat(deadWhileDown).isZero();
      // the failed pushes that opened the circuit, and one failed probe per open period at most
      long probes = downFor.toSeconds() / 2 + 2;
      assertThat(failedWhileDown).isLessThanOrEqualTo((int) (10 + probes));
    }
  }

  /** s23: the receiver answers every 5th message's first push with 429 and Retry-After: 2. */
  void retryAfter() {
    String sc = "s23-push-retry-after";
    int n = longRun ? 1000 : 100;
    try (PushReceiver receiver = new PushReceiver()) {
      String sub = "e2e.push.busy";
      String secret = create(sub, Harness.PUSH_TOPICS[1], push(receiver, 4), false);
      Map<String, Boolean> asked = new java.util.concurrent.ConcurrentHashMap<>();
      AtomicInteger arrivals = new AtomicInteger();
      receiver
          .trusting(secret)
          .answering(
              p -> {
                if (asked.containsKey(p.messageId()) || receiver.applied.contains(p.messageId())) {
                  return new int[] {204, 0, 0};
                }
                if (arrivals.incrementAndGet() % 5 == 0) {
                  asked.put(p.messageId(), true);
                  return new int[] {429, 2, 0};
                }
                return new int[] {204, 0, 0};
              })
          .up();
      Instant start = Instant.now();
      List<String> ids = send(Harness.PUSH_TOPICS[1], n, null);
      await(Duration.ofMinutes(3), () -> receiver.applied.containsAll(ids));
      awaitAcked(sub, n);
      int maxAttempt = receiver.maxAttempt.values().stream().mapToInt(i -> i).max().orElse(0);
      long maxAttempts =
          count("select coalesce(max(attempts), 0) from delivery where subscription = ?", sub);
      report(
          sc,
          Map.of(
              "sent", n,
              "applied", receiver.applied.size(),
              "429 answers", asked.size(),
              "deferred events",
                  count(
                      "select count(*) from message_event where subscription = ? and type = 'PUSH_DEFERRED'",
                      sub),
              "highest X-RMS-Attempt", maxAttempt,
              "highest attempts", maxAttempts,
              "total s", secs(start, Instant.now())));
      assertThat(asked).isNotEmpty();
      assertThat(maxAttempt).isEqualTo(1);
      assertThat(maxAttempts).isEqualTo(1);
    }
  }

  /** s24: a receiver that takes 500 ms per push, at the subscription's concurrency cap of 4. */
  void slowReceiver() {
    String sc = "s24-push-slow-receiver";
    int n = longRun ? 400 : 60;
    int concurrency = 4;
    try (PushReceiver receiver = new PushReceiver()) {
      String sub = "e2e.push.slow";
      String secret = create(sub, Harness.PUSH_TOPICS[2], push(receiver, concurrency), false);
      receiver.trusting(secret).answering(p -> new int[] {204, 0, 500}).up();
      Instant start = Instant.now();
      List<String> ids = send(Harness.PUSH_TOPICS[2], n, null);
      await(Duration.ofMinutes(5), () -> receiver.applied.containsAll(ids));
      Instant done = Instant.now();
      awaitAcked(sub, n);
      double seconds = secs(start, done);
      report(
          sc,
          Map.of(
              "sent",
              n,
              "applied",
              receiver.applied.size(),
              "most in flight",
              receiver.mostInFlight.get(),
              "push.concurrency",
              concurrency,
              "pushes/s",
              String.format(java.util.Locale.ROOT, "%.1f", n / seconds),
              "ideal pushes/s",
              concurrency * 2,
              "total s",
              seconds));
      assertThat(receiver.mostInFlight.get()).isBetween(1, concurrency);
      assertThat(receiver.duplicates.get()).isZero();
    }
  }

  /** s25: an ordered push subscription, 5 keys, every 7th push answered 500. */
  void ordered() {
    String sc = "s25-push-ordered";
    int n = longRun ? 1000 : 100;
    try (PushReceiver receiver = new PushReceiver()) {
      String sub = "e2e.push.ordered";
      String secret = create(sub, Harness.PUSH_TOPICS[3], push(receiver, 4), true);
      AtomicInteger calls = new AtomicInteger();
      receiver
          .trusting(secret)
          .answering(
              p -> calls.incrementAndGet() % 7 == 0 ? new int[] {500, 0, 0} : new int[] {204, 0, 0})
          .up();
      Instant start = Instant.now();
      List<String> ids = send(Harness.PUSH_TOPICS[3], n, 5);
      await(Duration.ofMinutes(5), () -> receiver.applied.containsAll(ids));
      awaitAcked(sub, n);
      report(
          sc,
          Map.of(
              "sent", n,
              "applied", receiver.applied.size(),
              "keys", receiver.appliedPerKey.size(),
              "pairs compared", receiver.pairs(),
              "inversions", receiver.inversions(),
              "failed pushes (500)", calls.get() / 7,
              "duplicates", receiver.duplicates.get(),
              "total s", secs(start, Instant.now())));
      assertThat(receiver.pairs()).isPositive();
      assertThat(receiver.inversions()).isZero();
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static Map<String, Object> push(PushReceiver receiver, int concurrency) {
    Map<String, Object> push = new LinkedHashMap<>();
    push.put("url", receiver.url());
    push.put("timeoutSeconds", 5.0);
    push.put("concurrency", concurrency);
    return push;
  }

  /** Creates the push subscription (or finds it from an earlier run) and rotates a secret in. */
  private String create(String sub, String topic, Map<String, Object> push, boolean ordered) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", sub);
    body.put("topic", topic);
    body.put("app", "e2e-consumer");
    body.put("delivery", "push");
    body.put("ordered", ordered);
    body.put("ackTimeoutSeconds", 30);
    body.put("maxAttempts", 8);
    body.put("backoffInitialSeconds", 1);
    body.put("backoffMaxSeconds", 2);
    body.put("push", push);
    Harness.Answer created =
        h.api(
            "POST",
            "/api/v1/admin/subscriptions",
            Harness.ADMIN_KEY,
            Harness.JSON.writeValueAsString(body));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    Harness.Answer rotated =
        h.api(
            "POST",
            "/api/v1/admin/subscriptions/" + sub + "/push-secrets/rotate",
            Harness.ADMIN_KEY,
            null);
    assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
    return rotated.json().get("secret").asString();
  }

  /** Sends {@code n} messages (with {@code keys} ordering keys, or none); answers their ids. */
  private List<String> send(String topic, int n, Integer keys) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("topic", topic);
      body.put("payload", Map.of("i", i));
      if (keys != null) {
        body.put("orderingKey", "k" + (i % keys));
      }
      Harness.Answer sent =
          h.api(
              "POST",
              "/api/v1/messages/send",
              Harness.PRODUCER_KEY,
              Harness.JSON.writeValueAsString(body));
      assertThat(sent.status()).as(sent.body()).isEqualTo(201);
      ids.add(sent.json().get("id").asString());
    }
    return ids;
  }

  private String pausedBy(String sub) {
    Harness.Answer view =
        h.api("GET", "/api/v1/admin/subscriptions/" + sub, Harness.ADMIN_KEY, null);
    return view.json().path("pausedBy").asString("");
  }

  private int attempts(String sub) {
    return (int)
        count("select coalesce(sum(attempts), 0) from delivery where subscription = ?", sub);
  }

  private long count(String sql, Object... params) {
    return h.servicePg.count("rms", sql, params);
  }

  private void awaitAcked(String sub, int n) {
    await(
        Duration.ofMinutes(1),
        () ->
            count("select count(*) from delivery where subscription = ? and status = 'ACKED'", sub)
                >= n);
  }

  private static void await(Duration timeout, BooleanSupplier done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout);
      }
      Harness.sleep(200);
    }
  }

  private static void sleepUntil(Instant at) {
    long millis = Duration.between(Instant.now(), at).toMillis();
    if (millis > 0) {
      Harness.sleep(millis);
    }
  }

  private static double secs(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1e3;
  }

  private void report(String sc, Map<String, Object> figures) {
    StringBuilder line = new StringBuilder(sc);
    new java.util.TreeMap<>(figures)
        .forEach((k, v) -> line.append(" | ").append(k).append(": ").append(v));
    System.out.println("[e2e] " + line);
    try {
      Files.writeString(figuresFile, "\n" + line + "\n", StandardOpenOption.APPEND);
    } catch (IOException ignored) {
      // printed anyway
    }
  }
}
