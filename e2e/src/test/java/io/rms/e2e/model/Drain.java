package io.rms.e2e.model;

import io.rms.e2e.ModelCluster;
import io.rms.e2e.model.History.Violation;
import io.rms.e2e.model.ModelConsumer.Copy;
import io.rms.e2e.model.ServiceDb.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * After the steps: no more faults. The subscription is active on its first topic again, the handler
 * acks every copy it holds or receives, and the operator redelivers DEAD deliveries (the consumer
 * acks them this time). Every delivery of the subscription must then be ACKED or DISCARDED within
 * the bound; a key still unfinished is stranded.
 */
final class Drain {
  private Drain() {}

  static List<Violation> run(
      Actions actions, History history, ServiceDb db, Step step, Duration perKeyBound) {
    history.stepStarted(step);
    actions.awaitReplicas();
    actions.restoreSubscription(step);
    Handler handler = actions.handler();
    ModelConsumer consumer = actions.consumer();
    ServiceApi api = actions.api();
    List<Copy> late = handler.allLate();
    if (!late.isEmpty()) {
      step.note("late " + handler.ack(step, 0, late));
    }
    long unfinishedAtStart = db.unfinished(actions.subscription);
    Duration bound = perKeyBound.plusMillis(500 * unfinishedAtStart);
    long start = System.nanoTime();
    long deadline = start + bound.toNanos();
    long nextRedeliver = start;
    int calls = 0;
    while (System.nanoTime() < deadline) {
      List<Copy> copies = new ArrayList<>();
      for (Copy c : consumer.take(100)) {
        if (!handler.duplicate(c)) {
          copies.add(c);
        }
      }
      if (!copies.isEmpty()) {
        handler.ack(step, api.replica(calls++), copies);
      }
      if (System.nanoTime() >= nextRedeliver) {
        api.call(
            api.replica(calls++),
            "POST",
            "/api/v1/admin/deliveries/redeliver",
            ModelCluster.OPERATOR_KEY,
            Map.of("subscription", actions.subscription, "status", "DEAD", "limit", 1000));
        nextRedeliver = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      }
      if (consumer.waiting() == 0 && db.unfinished(actions.subscription) == 0) {
        step.note(
            String.format(
                "drained %d deliveries in %.1f s (bound %.1f s)",
                unfinishedAtStart, (System.nanoTime() - start) / 1e9, bound.toMillis() / 1e3));
        return List.of();
      }
      Producer.sleep(200);
    }
    return stranded(db.deliveries(actions.subscription), bound, step.index);
  }

  private static List<Violation> stranded(List<Row> rows, Duration bound, int step) {
    Map<String, List<Row>> byKey = new TreeMap<>();
    for (Row r : rows) {
      if (!r.status().equals("ACKED") && !r.status().equals("DISCARDED")) {
        byKey.computeIfAbsent(r.keyName(), k -> new ArrayList<>()).add(r);
      }
    }
    List<Violation> out = new ArrayList<>();
    byKey.forEach(
        (key, left) ->
            out.add(
                new Violation(
                    step,
                    key,
                    "stranded: not drained within "
                        + bound.toSeconds()
                        + " s after the steps stopped: "
                        + left.stream()
                            .map(
                                r ->
                                    "#"
                                        + r.seq()
                                        + " "
                                        + r.status()
                                        + " (message "
                                        + r.messageStatus()
                                        + ")")
                            .collect(Collectors.joining(", ")))));
    return out;
  }
}
