package io.rms.e2e.model;

import io.rms.e2e.model.History.Arrival;
import io.rms.e2e.model.History.Call;
import io.rms.e2e.model.History.Finish;
import io.rms.e2e.model.History.Outcome;
import io.rms.e2e.model.History.Violation;
import io.rms.e2e.model.ServiceDb.Row;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Checks a run's {@link History} against the model, with the subscription's deliveries as the
 * database holds them once the run has drained. The rules (see {@link OrderingModelIT} for why):
 *
 * <ol>
 *   <li><b>One in flight per key.</b> A delivery is finished when the first call that finished it
 *       (an ack answered ACKED, a discard that listed it) began; if no call is known to have
 *       finished it, when the first call without an answer began. The first copy of a key's next
 *       delivery (by {@code order_seq}) must arrive after its predecessor is finished.
 *   <li><b>Strictly increasing.</b> Per key, the copies the handler sees (every copy but those of
 *       messages already finished, which an inbox drops as duplicates) never go back to a smaller
 *       {@code x-rms-sequence}, and the header equals the message's {@code order_seq}.
 *   <li><b>No gaps.</b> Every ACKED delivery was handed to the handler, and the ACKED deliveries of
 *       a key were first handed out in {@code order_seq} order; the only deliveries the handler may
 *       never see are DISCARDED ones (cancelled messages have none).
 *   <li><b>Truthful answers.</b> An ack answers ALREADY_ACKED only if an earlier ack of it
 *       succeeded (or had no answer); an ACKED answer means the delivery ends ACKED, a discard
 *       means DISCARDED.
 * </ol>
 */
final class OrderingChecker {
  private OrderingChecker() {}

  static List<Violation> check(History history, List<Row> rows) {
    List<Violation> out = new ArrayList<>();
    Map<UUID, Row> byId = new HashMap<>();
    rows.forEach(r -> byId.put(r.id(), r));
    Map<UUID, Long> firstArrival = new HashMap<>();
    for (Arrival a : history.arrivals()) {
      firstArrival.putIfAbsent(a.id(), a.at());
    }
    Map<UUID, Long> finishedAt = finishedAt(history.finishes());
    answers(history, byId, out);

    Map<String, List<Row>> keys = new LinkedHashMap<>();
    for (Row r : rows) {
      if (r.seq() != null && r.key() != null) {
        keys.computeIfAbsent(r.keyName(), k -> new ArrayList<>()).add(r);
      }
    }
    for (Map.Entry<String, List<Row>> e : keys.entrySet()) {
      List<Row> key = new ArrayList<>(e.getValue());
      key.sort(Comparator.comparing(Row::seq));
      oneInFlight(history, e.getKey(), key, firstArrival, finishedAt, out);
      increasing(history, e.getKey(), key, finishedAt, out);
      noGaps(history, e.getKey(), key, firstArrival, out);
    }
    return out;
  }

  private static Map<UUID, Long> finishedAt(List<Finish> finishes) {
    Map<UUID, Long> applied = new HashMap<>();
    Map<UUID, Long> unknown = new HashMap<>();
    for (Finish f : finishes) {
      if (f.outcome() == Outcome.APPLIED) {
        applied.merge(f.id(), f.start(), Math::min);
      } else if (f.outcome() == Outcome.UNKNOWN) {
        unknown.merge(f.id(), f.start(), Math::min);
      }
    }
    Map<UUID, Long> at = new HashMap<>(unknown);
    at.putAll(applied);
    return at;
  }

  private static void oneInFlight(
      History h,
      String key,
      List<Row> rows,
      Map<UUID, Long> firstArrival,
      Map<UUID, Long> finishedAt,
      List<Violation> out) {
    for (int i = 1; i < rows.size(); i++) {
      Row prev = rows.get(i - 1);
      Row cur = rows.get(i);
      Long arrived = firstArrival.get(cur.id());
      long done = finishedAt.getOrDefault(prev.id(), Long.MAX_VALUE);
      if (arrived != null && arrived < done) {
        out.add(
            new Violation(
                h.stepAt(arrived),
                key,
                "two in flight: #"
                    + cur.seq()
                    + " ("
                    + Handler.short8(cur.id())
                    + ") was handed out at t="
                    + arrived
                    + " while #"
                    + prev.seq()
                    + " ("
                    + Handler.short8(prev.id())
                    + ", now "
                    + prev.status()
                    + ") was not finished ("
                    + (done == Long.MAX_VALUE
                        ? "no ack or discard of it ever began"
                        : "its finishing call began at t=" + done + ", step " + h.stepAt(done))
                    + ")"));
        return; // the first one per key; the rest follow from it
      }
    }
  }

  private static void increasing(
      History h, String key, List<Row> rows, Map<UUID, Long> finishedAt, List<Violation> out) {
    Map<UUID, Row> mine = new HashMap<>();
    rows.forEach(r -> mine.put(r.id(), r));
    long highest = Long.MIN_VALUE;
    for (Arrival a : h.arrivalsOf(mine.keySet())) {
      Row r = mine.get(a.id());
      if (a.seq() == null || !a.seq().equals(r.seq())) {
        out.add(
            new Violation(
                h.stepAt(a.at()),
                key,
                "x-rms-sequence " + a.seq() + " of " + a.id() + " but order_seq " + r.seq()));
        return;
      }
      if (finishedAt.getOrDefault(a.id(), Long.MAX_VALUE) < a.at()) {
        continue; // a duplicate of a finished message: the inbox drops it
      }
      if (a.seq() < highest) {
        out.add(
            new Violation(
                h.stepAt(a.at()),
                key,
                "inversion: #"
                    + a.seq()
                    + " ("
                    + Handler.short8(a.id())
                    + ", attempt "
                    + a.attempt()
                    + ") reached the handler at t="
                    + a.at()
                    + " after #"
                    + highest
                    + " had"));
        return;
      }
      highest = Math.max(highest, a.seq());
    }
  }

  private static void noGaps(
      History h, String key, List<Row> rows, Map<UUID, Long> firstArrival, List<Violation> out) {
    List<Row> acked = rows.stream().filter(r -> r.status().equals("ACKED")).toList();
    for (Row r : acked) {
      if (!firstArrival.containsKey(r.id())) {
        out.add(new Violation(-1, key, "#" + r.seq() + " is ACKED but was never handed out"));
        return;
      }
    }
    List<Row> handedOrder = new ArrayList<>(acked);
    handedOrder.sort(Comparator.comparing(r -> firstArrival.get(r.id())));
    if (!handedOrder.equals(acked)) {
      out.add(
          new Violation(
              -1,
              key,
              "the handler first saw the acked messages as "
                  + handedOrder.stream().map(Row::seq).toList()
                  + ", not in order "
                  + acked.stream().map(Row::seq).toList()));
    }
  }

  private static void answers(History h, Map<UUID, Row> byId, List<Violation> out) {
    List<Finish> all = h.finishes();
    for (Finish f : all) {
      Row row = byId.get(f.id());
      String status = row == null ? "no delivery" : row.status();
      if (f.outcome() == Outcome.ALREADY) {
        boolean before =
            all.stream()
                .anyMatch(
                    g ->
                        g.id().equals(f.id())
                            && g.call() == Call.ACK
                            && g.start() < f.end()
                            && (g.outcome() == Outcome.APPLIED || g.outcome() == Outcome.UNKNOWN));
        if (!before) {
          out.add(
              new Violation(
                  f.step(),
                  row == null ? null : row.keyName(),
                  "an ack of "
                      + f.id()
                      + " answered ALREADY_ACKED, but no ack of it had succeeded (it is "
                      + status
                      + ")"));
        }
      } else if (f.outcome() == Outcome.APPLIED) {
        String expected = f.call() == Call.ACK ? "ACKED" : "DISCARDED";
        if (!expected.equals(status)) {
          out.add(
              new Violation(
                  f.step(),
                  row == null ? null : row.keyName(),
                  f.call() + " of " + f.id() + " succeeded, but the delivery is " + status));
        }
      }
    }
  }
}
