package io.rms.e2e.model;

import io.rms.e2e.ModelCluster;
import io.rms.e2e.model.History.Call;
import io.rms.e2e.model.History.Finish;
import io.rms.e2e.model.History.Outcome;
import io.rms.e2e.model.ModelConsumer.Copy;
import io.rms.e2e.model.ServiceApi.Answer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * The consumer's handler: acks and nacks copies through the REST API of a replica and then settles
 * them with the broker. It keeps an inbox of the messages it acked, so a copy of one of those is a
 * duplicate that it settles without calling the service. Copies it keeps for later ({@link #held})
 * and copies cut off by a crash ({@link #zombies}) are acked or nacked late.
 */
final class Handler {
  private final ServiceApi api;
  private final History history;
  private final ModelConsumer consumer;
  private final String subscription;

  /** Messages whose ack answered ACKED or ALREADY_ACKED: the inbox of a real consumer. */
  final Set<UUID> acked = ConcurrentHashMap.newKeySet();

  /** Messages nacked without retry that the service answered DEAD (and no one redelivered). */
  final Set<UUID> dead = ConcurrentHashMap.newKeySet();

  /** Copies the handler keeps for later (a slow handler): acked or nacked by a LATE step. */
  final List<Copy> held = new ArrayList<>();

  /** Copies of handlers cut off by a crash: they may still ack or nack late. */
  final List<Copy> zombies = new ArrayList<>();

  Handler(ServiceApi api, History history, ModelConsumer consumer, String subscription) {
    this.api = api;
    this.history = history;
    this.consumer = consumer;
    this.subscription = subscription;
  }

  /** True (and settled) when the copy is of a message the inbox already holds. */
  boolean duplicate(Copy c) {
    if (acked.contains(c.id())) {
      consumer.settle(c);
      return true;
    }
    return false;
  }

  /** Acks these copies in one call on {@code replica}; what each answered. */
  String ack(Step step, int replica, List<Copy> copies) {
    List<UUID> ids = copies.stream().map(Copy::id).distinct().toList();
    long start = history.tick();
    Answer a =
        api.call(
            replica,
            "POST",
            "/api/v1/subscriptions/" + subscription + "/acks",
            ModelCluster.CONSUMER_KEY,
            Map.of("messageIds", ids));
    long end = history.tick();
    Map<UUID, String> items = new HashMap<>();
    if (a.ok()) {
      for (JsonNode item : a.json().get("items")) {
        items.put(
            UUID.fromString(item.get("messageId").asString()), item.get("outcome").asString());
      }
    }
    List<String> told = new ArrayList<>();
    for (Copy c : copies) {
      String answer = a.ok() ? items.getOrDefault(c.id(), "MISSING") : a.code();
      Outcome outcome =
          switch (answer) {
            case "ACKED" -> Outcome.APPLIED;
            case "ALREADY_ACKED" -> Outcome.ALREADY;
            default -> a.unknown() ? Outcome.UNKNOWN : Outcome.REFUSED;
          };
      history.finished(new Finish(c.id(), Call.ACK, start, end, outcome, step.index));
      if (outcome == Outcome.APPLIED || outcome == Outcome.ALREADY) {
        acked.add(c.id());
        dead.remove(c.id());
        consumer.settle(c);
      } else if (outcome == Outcome.UNKNOWN) {
        keep(c); // no answer: ack it again later
      } else {
        consumer.settle(c); // answered (e.g. DISCARDED): nothing left to do with this copy
      }
      told.add(label(c) + " " + answer);
    }
    return "ack on r" + (replica + 1) + " [" + String.join(", ", told) + "]";
  }

  /** Nacks the copy on {@code replica}, with or without retry; what it answered. */
  String nack(Step step, int replica, Copy c, boolean retry) {
    Map<String, Object> body = new HashMap<>();
    body.put("messageId", c.id());
    body.put("reason", "model step " + step.index);
    body.put("retry", retry);
    Answer a =
        api.call(
            replica,
            "POST",
            "/api/v1/subscriptions/" + subscription + "/nacks",
            ModelCluster.CONSUMER_KEY,
            body);
    String status = a.ok() ? a.json().get("status").asString() : a.code();
    if (a.ok()) {
      if ("DEAD".equals(status)) {
        dead.add(c.id());
      }
      consumer.settle(c);
    } else if (a.unknown()) {
      keep(c);
    } else {
      consumer.settle(c);
    }
    return "nack(retry=" + retry + ") on r" + (replica + 1) + " " + label(c) + " " + status;
  }

  /** A nack of a message the handler was never given; what it answered. */
  String strayNack(Step step, int replica, UUID id, boolean retry) {
    Map<String, Object> body = new HashMap<>();
    body.put("messageId", id);
    body.put("reason", "stray nack, model step " + step.index);
    body.put("retry", retry);
    Answer a =
        api.call(
            replica,
            "POST",
            "/api/v1/subscriptions/" + subscription + "/nacks",
            ModelCluster.CONSUMER_KEY,
            body);
    String status = a.ok() ? a.json().get("status").asString() : a.code();
    if ("DEAD".equals(status)) {
      dead.add(id);
    }
    return "stray nack(retry=" + retry + ") on r" + (replica + 1) + " " + short8(id) + " " + status;
  }

  /** Keeps the copy for a late ack (its call had no answer). */
  synchronized void keep(Copy c) {
    held.add(c);
  }

  /** The handlers cut off by a crash: what was kept and what was in the inbox. */
  synchronized void crashed(List<Copy> lost) {
    zombies.addAll(held);
    zombies.addAll(lost);
    held.clear();
  }

  /** Removes and returns a late copy chosen by {@code pick}, or null. */
  synchronized Copy late(int pick) {
    int n = held.size() + zombies.size();
    if (n == 0) {
      return null;
    }
    int i = Math.floorMod(pick, n);
    return i < held.size() ? held.remove(i) : zombies.remove(i - held.size());
  }

  /** Every late copy, removed. */
  synchronized List<Copy> allLate() {
    List<Copy> all = new ArrayList<>(held);
    all.addAll(zombies);
    held.clear();
    zombies.clear();
    return all;
  }

  /** The ids of copies in the handler's hands now (for an operator's redeliver of one). */
  synchronized List<UUID> heldIds() {
    return new ArrayList<>(new LinkedHashSet<>(held.stream().map(Copy::id).toList()));
  }

  static String label(Copy c) {
    History.Arrival a = c.arrival();
    String topic = a.topic() == null ? "?" : a.topic().substring(a.topic().lastIndexOf('.') + 1);
    return topic + "/" + a.key() + "#" + a.seq() + "(" + short8(a.id()) + ",a" + a.attempt() + ")";
  }

  static String short8(UUID id) {
    return id.toString().substring(28);
  }
}
