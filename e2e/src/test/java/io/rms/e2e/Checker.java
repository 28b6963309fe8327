package io.rms.e2e;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Checks I1–I3 for one scenario's keys from the producer's database (what committed), the
 * consumer's database (what took effect, and how often) and the service's (what state each message
 * and delivery ended in), once the scenario is quiet. I3 counts effects per delivery cycle: a
 * message's first cycle and each operator's replay of it (effect.replay_id) may each take effect
 * once, so a duplicate is a second effect within one cycle.
 */
final class Checker {
  private final Harness h;
  private final Database serviceDb;

  /** Opens a connection to one database of a PostgreSQL. */
  @FunctionalInterface
  interface Database {
    Connection connect(String db) throws SQLException;
  }

  /** A checker of scenarios whose service runs on the harness's own PostgreSQL. */
  Checker(Harness h) {
    this(h, h.servicePg::connect);
  }

  /** A checker of scenarios whose service runs on {@code serviceDb} (s17: a Patroni cluster). */
  Checker(Harness h, Database serviceDb) {
    this.h = h;
    this.serviceDb = serviceDb;
  }

  /** One scenario's figures; {@code violations} empty means the invariants held. */
  record Figures(
      String scenario,
      int sent,
      int committed,
      int rolledBack,
      int delivered,
      int lost,
      int phantom,
      int duplicateEffects,
      long redeliveries,
      int dead,
      List<String> deadReasons,
      int affected,
      long recoveryMaxMs,
      long recoveryP99Ms,
      double seconds,
      List<String> notes,
      List<String> violations) {}

  private record ServiceRow(String key, String status, String delivery, int attempts, String err) {}

  private record Snapshot(
      Map<String, Instant> attempts,
      Set<String> committed,
      Map<String, Integer> effects,
      Map<String, Instant> firstEffect,
      Map<String, ServiceRow> service) {}

  /** Polls until the scenario is quiet (or {@code timeout}), then computes its figures. */
  Figures await(
      String scenario, Instant startedAt, Instant healedAt, Duration timeout, List<String> notes) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Snapshot s = null;
    while (true) {
      try {
        s = snapshot(scenario);
      } catch (IllegalStateException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      if ((s != null && quiet(s)) || System.nanoTime() > deadline) {
        break;
      }
      Harness.sleep(1000);
    }
    if (s == null) {
      s = snapshot(scenario);
    }
    return figures(scenario, s, startedAt, healedAt, notes);
  }

  private static boolean quiet(Snapshot s) {
    for (String key : s.committed) {
      ServiceRow row = s.service.get(key);
      boolean dead = row != null && "DEAD".equals(row.delivery);
      if (!s.effects.containsKey(key) && !dead) {
        return false;
      }
    }
    for (ServiceRow row : s.service.values()) {
      if (!finished(row)) {
        return false;
      }
    }
    return true;
  }

  private static boolean finished(ServiceRow row) {
    return switch (row.status) {
      case "DELIVERED", "CANCELLED" -> true;
      case "CONFIRMED" -> "DEAD".equals(row.delivery) || "ACKED".equals(row.delivery);
      default -> false;
    };
  }

  private Figures figures(
      String scenario, Snapshot s, Instant startedAt, Instant healedAt, List<String> notes) {
    List<String> violations = new ArrayList<>();
    int lost = 0;
    int phantom = 0;
    int dupEffects = 0;
    List<String> deadReasons = new ArrayList<>();
    for (String key : s.committed) {
      ServiceRow row = s.service.get(key);
      boolean dead = row != null && "DEAD".equals(row.delivery);
      if (dead) {
        deadReasons.add(key + ": " + row.err);
        if (!key.endsWith("-poison")) {
          violations.add("unexpected DEAD delivery " + key + ": " + row.err);
        }
      }
      if (!s.effects.containsKey(key) && !dead) {
        lost++;
        if (lost <= 10) {
          violations.add("lost: " + key + " committed, no effect; service: " + row);
        }
      }
      if (row == null || "CANCELLED".equals(row.status)) {
        violations.add("committed " + key + " but the service has " + row);
      }
    }
    for (Map.Entry<String, Integer> e : s.effects.entrySet()) {
      if (!s.committed.contains(e.getKey())) {
        phantom++;
        if (phantom <= 10) {
          violations.add("phantom: effect of " + e.getKey() + " which never committed");
        }
      }
      if (e.getValue() > 1) {
        dupEffects += e.getValue() - 1;
        violations.add("duplicate effect: " + e.getKey() + " ×" + e.getValue());
      }
    }
    long redeliveries = 0;
    int stuck = 0;
    for (ServiceRow row : s.service.values()) {
      if (!s.committed.contains(row.key)
          && ("CONFIRMED".equals(row.status) || "DELIVERED".equals(row.status))) {
        phantom++;
        violations.add("phantom at the service: " + row + " was never committed");
      }
      if (!finished(row)) {
        stuck++;
        if (stuck <= 10) {
          violations.add("not finished: " + row);
        }
      }
      if ("ACKED".equals(row.delivery) && row.attempts > 1) {
        redeliveries += row.attempts - 1;
      }
    }
    if (lost > 10) {
      violations.add("... " + lost + " lost in all");
    }
    if (stuck > 10) {
      violations.add("... " + stuck + " not finished in all");
    }
    List<Long> recovery = new ArrayList<>();
    String slowest = null;
    long slowestMs = -1;
    if (healedAt != null) {
      for (String key : s.committed) {
        Instant attempt = s.attempts.get(key);
        Instant effect = s.firstEffect.get(key);
        if (attempt != null
            && effect != null
            && attempt.isBefore(healedAt)
            && effect.isAfter(healedAt)) {
          long ms = Duration.between(healedAt, effect).toMillis();
          recovery.add(ms);
          if (ms > slowestMs) {
            slowestMs = ms;
            slowest = key;
          }
        }
      }
    }
    notes = new ArrayList<>(notes);
    if (slowest != null) {
      notes.add("slowest to recover: " + slowest + " (" + slowestMs + " ms): " + history(slowest));
    }
    Collections.sort(recovery);
    long max = recovery.isEmpty() ? 0 : recovery.get(recovery.size() - 1);
    long p99 =
        recovery.isEmpty()
            ? 0
            : recovery.get(
                Math.min(recovery.size() - 1, (int) Math.ceil(recovery.size() * 0.99) - 1));
    int sent = s.attempts.size();
    int committed = s.committed.size();
    return new Figures(
        scenario,
        sent,
        committed,
        sent - committed,
        s.effects.size(),
        lost,
        phantom,
        dupEffects,
        redeliveries,
        deadReasons.size(),
        deadReasons,
        recovery.size(),
        max,
        p99,
        Duration.between(startedAt, Instant.now()).toMillis() / 1000.0,
        notes,
        violations);
  }

  /** The service's story of one message (its API view): timestamps, attempts and events. */
  String history(String key) {
    try (Connection service = serviceDb.connect("rms");
        PreparedStatement ps =
            service.prepareStatement("select id from message where business_key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return "(not at the service)";
        }
        JsonNode m =
            h.api("GET", "/api/v1/messages/" + rs.getString(1), Harness.PRODUCER_KEY, null).json();
        StringBuilder b = new StringBuilder();
        b.append("created ").append(m.path("createdAt").asString());
        b.append(", confirmed ").append(m.path("confirmedAt").asString());
        b.append(", checks ").append(m.path("checkCount").asInt());
        for (JsonNode d : m.path("deliveries")) {
          b.append(", attempts ").append(d.path("attempts").asInt());
          b.append(", acked ").append(d.path("ackedAt").asString());
        }
        for (JsonNode e : m.path("events")) {
          b.append("; ").append(e.path("at").asString()).append(' ');
          b.append(e.path("type").asString()).append(' ').append(e.path("detail"));
        }
        return b.toString();
      }
    } catch (SQLException | RuntimeException e) {
      return "(history unavailable: " + e + ")";
    }
  }

  /** What the consumer's own database says about the order of an ordered scenario's effects. */
  record Ordering(int keys, int applied, int pairs, int inversions) {}

  /**
   * Per ordering key of the scenario, walks the first effect of each message in the order the
   * consumer applied them and counts inversions: an effect whose {@code x-rms-sequence} is lower
   * than the one applied before it in the same key.
   */
  Ordering ordering(String scenario) {
    try (Connection consumer = h.appsPg.connect("consumer");
        PreparedStatement ps =
            consumer.prepareStatement(
                """
                select count(distinct ordering_key), count(*),
                       count(previous), count(*) filter (where sequence < previous)
                  from (select ordering_key, sequence,
                               lag(sequence) over (partition by ordering_key
                                                   order by at, message_id) as previous
                          from (select distinct on (message_id) message_id, ordering_key,
                                       sequence, at
                                  from effect
                                 where key like ? and ordering_key is not null
                                 order by message_id, at) first_effects) walked
                """)) {
      ps.setString(1, scenario + "-%");
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Ordering(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private Snapshot snapshot(String scenario) {
    String like = scenario + "-%";
    try (Connection producer = h.appsPg.connect("producer");
        Connection consumer = h.appsPg.connect("consumer");
        Connection service = serviceDb.connect("rms")) {
      Map<String, Instant> attempts = new HashMap<>();
      try (PreparedStatement ps =
          producer.prepareStatement("select key, at from attempt where key like ?")) {
        ps.setString(1, like);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            attempts.put(rs.getString(1), rs.getTimestamp(2).toInstant());
          }
        }
      }
      Set<String> committed = new HashSet<>();
      try (PreparedStatement ps =
          producer.prepareStatement("select key from business where key like ?")) {
        ps.setString(1, like);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            committed.add(rs.getString(1));
          }
        }
      }
      Map<String, Integer> effects = new HashMap<>();
      Map<String, Instant> firstEffect = new HashMap<>();
      try (PreparedStatement ps =
          consumer.prepareStatement(
              // one effect per delivery cycle: the first one, and each replay's (an operator's
              // replay is a new cycle the inbox applies once more, s18); any further one counts
              """
              select key, 1 + count(*) - count(distinct coalesce(replay_id, '')), min(at)
                from effect where key like ? group by key
              """)) {
        ps.setString(1, like);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            effects.put(rs.getString(1), rs.getInt(2));
            Timestamp at = rs.getTimestamp(3);
            firstEffect.put(rs.getString(1), at.toInstant());
          }
        }
      }
      Map<String, ServiceRow> rows = new HashMap<>();
      try (PreparedStatement ps =
          service.prepareStatement(
              """
              select m.business_key, m.status, d.status, coalesce(d.attempts, 0), d.last_error
                from message m left join delivery d on d.message_id = m.id
               where m.app_id = 'e2e-producer' and m.business_key like ?
              """)) {
        ps.setString(1, like);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.put(
                rs.getString(1),
                new ServiceRow(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getInt(4),
                    rs.getString(5)));
          }
        }
      }
      return new Snapshot(attempts, committed, effects, firstEffect, rows);
    } catch (SQLException e) {
      throw new IllegalStateException("reading the scenario's state failed", e);
    }
  }
}
