package io.rms.e2e.model;

import io.rms.e2e.ModelCluster;
import io.rms.e2e.model.History.Call;
import io.rms.e2e.model.History.Finish;
import io.rms.e2e.model.History.Outcome;
import io.rms.e2e.model.ServiceApi.Answer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The operator's steps: discard and redeliver {@code DEAD} deliveries (one the model knows of, or
 * all of the subscription) through the admin API with an operator key, and redeliver a delivery the
 * handler holds. A discard that lists a delivery finishes it (recorded in the {@link History}).
 */
final class Operator {
  private final ServiceApi api;
  private final History history;
  private final Handler handler;
  private final String subscription;

  Operator(ServiceApi api, History history, Handler handler, String subscription) {
    this.api = api;
    this.history = history;
    this.handler = handler;
    this.subscription = subscription;
  }

  void discard(Step s) {
    List<UUID> dead = handler.dead.stream().sorted().toList();
    Map<String, Object> body = new HashMap<>();
    body.put("subscription", subscription);
    boolean one = !dead.isEmpty() && s.percent(1) < 60;
    if (one) {
      body.put("messageId", dead.get(s.pick(dead.size(), 2)));
    } else {
      body.put("status", "DEAD");
      body.put("limit", 100);
    }
    int replica = api.replica(s.pick(2, 3));
    long start = history.tick();
    Answer a =
        api.call(
            replica, "POST", "/api/v1/admin/deliveries/discard", ModelCluster.OPERATOR_KEY, body);
    long end = history.tick();
    List<String> ids = new ArrayList<>();
    if (a.ok()) {
      for (JsonNode item : a.json().get("items")) {
        UUID id = UUID.fromString(item.get("messageId").asString());
        history.finished(new Finish(id, Call.DISCARD, start, end, Outcome.APPLIED, s.index));
        handler.dead.remove(id);
        ids.add(Handler.short8(id));
      }
    } else if (a.unknown()) {
      for (UUID id : one ? List.of((UUID) body.get("messageId")) : dead) {
        history.finished(new Finish(id, Call.DISCARD, start, end, Outcome.UNKNOWN, s.index));
      }
    }
    s.note(
        (one ? "discard one" : "discard all DEAD")
            + " on r"
            + (replica + 1)
            + ": "
            + a.code()
            + " "
            + ids);
  }

  void redeliver(Step s) {
    List<UUID> dead = handler.dead.stream().sorted().toList();
    List<UUID> held = handler.heldIds();
    Map<String, Object> body = new HashMap<>();
    body.put("subscription", subscription);
    int p = s.percent(1);
    String what;
    if (p < 40 && !dead.isEmpty()) {
      body.put("messageId", dead.get(s.pick(dead.size(), 2)));
      what = "redeliver one DEAD";
    } else if (p >= 75 && !held.isEmpty()) {
      body.put("messageId", held.get(s.pick(held.size(), 2)));
      what = "redeliver one in the handler";
    } else {
      body.put("status", "DEAD");
      body.put("limit", 100);
      what = "redeliver all DEAD";
    }
    int replica = api.replica(s.pick(2, 3));
    Answer a =
        api.call(
            replica, "POST", "/api/v1/admin/deliveries/redeliver", ModelCluster.OPERATOR_KEY, body);
    List<String> ids = new ArrayList<>();
    if (a.ok()) {
      for (JsonNode item : a.json().get("items")) {
        UUID id = UUID.fromString(item.get("messageId").asString());
        handler.dead.remove(id);
        ids.add(Handler.short8(id));
      }
    }
    s.note(what + " on r" + (replica + 1) + ": " + a.code() + " " + ids);
  }
}
