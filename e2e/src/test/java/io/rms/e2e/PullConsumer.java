package io.rms.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * A pull consumer in the test's JVM (scenarios s19–s21): threads that long-poll one service
 * instance's {@code POST /api/v1/subscriptions/{name}/pull}, apply each message's effect once (an
 * inbox in the consumer's database, the {@code effect} table the {@link Checker} reads) and ack
 * each batch. Every lease it gets is recorded in a log shared by the consumers of a scenario, so
 * the scenario can check that no delivery was held by two callers at once. {@link #killMidLease}
 * makes every thread die with its next batch in hand: half of it applied, nothing acked.
 */
final class PullConsumer implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  /** One lease as this caller got it: the message, its attempt, who, when, until when. */
  record Lease(String messageId, int attempt, String holder, Instant at, Instant expires) {}

  private final Harness h;
  private final String name;
  private final int port;
  private final String subscription;
  private final int max;
  private final int leaseSeconds;
  private final List<Lease> log;
  private final List<Thread> threads = new ArrayList<>();
  private final Set<String> abandoned = ConcurrentHashMap.newKeySet();
  private final AtomicInteger applied = new AtomicInteger();
  private volatile boolean stopped;
  private volatile boolean killed;

  PullConsumer(
      Harness h,
      String name,
      int port,
      String subscription,
      int max,
      int leaseSeconds,
      List<Lease> log) {
    this.h = h;
    this.name = name;
    this.port = port;
    this.subscription = subscription;
    this.max = max;
    this.leaseSeconds = leaseSeconds;
    this.log = log;
  }

  /** Creates the inbox in the consumer's database (the effect table is the consumer app's). */
  static void createInbox(Harness h) {
    try (Connection c = h.appsPg.connect("consumer")) {
      c.createStatement()
          .execute("create table if not exists pull_inbox (message_id uuid primary key)");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts {@code count} polling threads. */
  PullConsumer start(int count) {
    for (int i = 0; i < count; i++) {
      Thread t = new Thread(this::loop, name + "-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    return this;
  }

  /** Every thread dies with its next batch: half applied, none acked. Waits until they are gone. */
  void killMidLease() {
    killed = true;
    joinAll();
    stopped = true; // a thread that got no batch in the wait stops polling too
  }

  /** The messages leased by a thread that died before acking them. */
  Set<String> abandoned() {
    return abandoned;
  }

  /** Effects this consumer applied. */
  int applied() {
    return applied.get();
  }

  private void loop() {
    try (Connection db = h.appsPg.connect("consumer")) {
      db.setAutoCommit(false);
      while (!stopped) {
        try {
          if (!batch(db)) {
            return;
          }
        } catch (RuntimeException | SQLException e) {
          rollback(db);
          Harness.sleep(200); // the service restarts or the database blips: poll again
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One pull and its batch; false when this thread died with it. */
  private boolean batch(Connection db) throws SQLException {
    JsonNode answer =
        call(
            "/api/v1/subscriptions/" + subscription + "/pull",
            "{\"max\":" + max + ",\"waitSeconds\":2,\"leaseSeconds\":" + leaseSeconds + "}");
    if (answer == null) {
      return true;
    }
    Instant now = Instant.now();
    List<JsonNode> deliveries = new ArrayList<>();
    answer.get("deliveries").forEach(deliveries::add);
    for (JsonNode d : deliveries) {
      log.add(
          new Lease(
              d.get("messageId").asString(),
              d.get("attempt").asInt(),
              Thread.currentThread().getName(),
              now,
              Instant.parse(d.get("leaseExpiresAt").asString())));
    }
    if (deliveries.isEmpty()) {
      return true;
    }
    boolean dying = killed;
    int toApply = dying ? deliveries.size() / 2 : deliveries.size();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < toApply; i++) {
      apply(db, deliveries.get(i));
      db.commit();
      ids.add(deliveries.get(i).get("messageId").asString());
    }
    if (dying) {
      deliveries.forEach(d -> abandoned.add(d.get("messageId").asString()));
      return false;
    }
    call(
        "/api/v1/subscriptions/" + subscription + "/acks",
        Harness.JSON.writeValueAsString(Map.of("messageIds", ids)));
    return true;
  }

  private void apply(Connection db, JsonNode d) throws SQLException {
    try (PreparedStatement inbox =
        db.prepareStatement(
            "insert into pull_inbox (message_id) values (?::uuid) on conflict do nothing")) {
      inbox.setString(1, d.get("messageId").asString());
      if (inbox.executeUpdate() == 0) {
        return; // applied before (a lease that expired after the effect): only the ack is due
      }
    }
    JsonNode message = d.get("message");
    JsonNode sequence = d.get("sequence");
    JsonNode orderingKey = message.get("orderingKey");
    try (PreparedStatement effect =
        db.prepareStatement(
            "insert into effect (key, message_id, attempt, ordering_key, sequence)"
                + " values (?, ?::uuid, ?, ?, ?)")) {
      effect.setString(1, message.get("payload").get("key").asString());
      effect.setString(2, d.get("messageId").asString());
      effect.setInt(3, d.get("attempt").asInt());
      effect.setString(
          4, orderingKey == null || orderingKey.isNull() ? null : orderingKey.asString());
      effect.setObject(5, sequence == null || sequence.isNull() ? null : sequence.asLong());
      effect.executeUpdate();
    }
    applied.incrementAndGet();
  }

  private JsonNode call(String path, String body) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(10))
                  .header("Authorization", "Bearer " + Harness.CONSUMER_KEY)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
      }
      return Harness.JSON.readTree(r.body());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = true;
      return null;
    }
  }

  private static void rollback(Connection db) {
    try {
      db.rollback();
    } catch (SQLException ignored) {
      // the connection is gone; the next statement says so
    }
  }

  private void joinAll() {
    for (Thread t : threads) {
      try {
        t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Deliveries held by two callers at once in {@code log}: per message, a lease that began before
   * the one of the attempt before it had expired (a lease ends earlier only by an ack or a nack,
   * after which the delivery is finished or not due before its backoff).
   */
  static List<String> heldTwice(List<Lease> log) {
    Map<String, List<Lease>> byMessage = new HashMap<>();
    synchronized (log) {
      for (Lease l : log) {
        byMessage.computeIfAbsent(l.messageId(), k -> new ArrayList<>()).add(l);
      }
    }
    List<String> twice = new ArrayList<>();
    byMessage.forEach(
        (id, leases) -> {
          leases.sort(java.util.Comparator.comparingInt(Lease::attempt));
          for (int i = 1; i < leases.size(); i++) {
            Lease before = leases.get(i - 1);
            Lease after = leases.get(i);
            if (after.attempt() == before.attempt() || after.at().isBefore(before.expires())) {
              twice.add(id + ": " + before + " and " + after);
            }
          }
        });
    return twice;
  }

  @Override
  public void close() {
    stopped = true;
    threads.forEach(Thread::interrupt);
    joinAll();
  }
}
