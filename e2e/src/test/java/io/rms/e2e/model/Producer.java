package io.rms.e2e.model;

import io.rms.e2e.ModelCluster;
import io.rms.e2e.model.ServiceApi.Answer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The test's producer: sends on hot keys through either replica, as one send, as prepare then
 * confirm, or as prepare then cancel. Like the producer SDK it never leaves a message PREPARED: a
 * call without an answer (a killed replica) or with a 5xx is repeated on the other replica, the
 * prepare with the same {@code producerMessageId} (idempotent), until it has an answer.
 */
final class Producer {
  private final ServiceApi api;
  private final String run;
  private final AtomicLong counter = new AtomicLong();

  /** The confirmed messages (may have a delivery to the subscription): their key, by id. */
  private final Map<UUID, String> confirmed = new ConcurrentHashMap<>();

  Producer(ServiceApi api, String run) {
    this.api = api;
    this.run = run;
  }

  /** One message on {@code key} of {@code topic}; what happened, for the step's notes. */
  String one(Step step, int salt, String topic, String key) {
    long n = counter.incrementAndGet();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("topic", topic);
    body.put("payload", Map.of("n", n));
    body.put("orderingKey", key);
    body.put("producerMessageId", run + "-" + n);
    int mode = step.percent(salt);
    int replica = step.pick(2, salt + 1);
    String label = topic.substring(topic.lastIndexOf('.') + 1) + "/" + key;
    if (mode < 50) {
      Answer a = retrying(replica, "POST", "/api/v1/messages/send", body);
      return label + " send " + outcome(a, topic, key);
    }
    Answer prepared = retrying(replica, "POST", "/api/v1/messages", body);
    if (!prepared.ok()) {
      return label + " prepare " + prepared.code();
    }
    UUID id = UUID.fromString(prepared.json().get("id").asString());
    boolean cancel = mode >= 85;
    Answer done =
        retrying(
            replica + 1,
            "POST",
            "/api/v1/messages/" + id + (cancel ? "/cancel" : "/confirm"),
            null);
    if (cancel) {
      return label + " prepare+cancel " + done.code();
    }
    return label + " prepare+confirm " + outcome(done, topic, key);
  }

  private String outcome(Answer a, String topic, String key) {
    if (!a.ok()) {
      return a.code();
    }
    UUID id = UUID.fromString(a.json().get("id").asString());
    confirmed.put(id, topic.substring(topic.lastIndexOf('.') + 1) + "/" + key);
    return id.toString().substring(24);
  }

  private Answer retrying(int replica, String method, String path, Object body) {
    Answer a = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      a = api.call(api.replica(replica + attempt), method, path, ModelCluster.PRODUCER_KEY, body);
      if (!a.unknown()) {
        return a;
      }
      sleep(500);
    }
    return a;
  }

  /** The confirmed messages' ids. */
  Set<UUID> confirmed() {
    return confirmed.keySet();
  }

  /** The short name ({@code a/k0}) of a confirmed message's key. */
  String keyOf(UUID id) {
    return confirmed.getOrDefault(id, "?");
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
