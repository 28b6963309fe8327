package io.rms.service.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import io.rms.recovery.RedeliveryPort;
import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.Await;
import io.rms.service.testing.BrokerProbe;
import io.rms.service.testing.IntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * FIFO per ordering key on an ordered subscription, through real RabbitMQ: many keys, each with
 * messages prepared in order and confirmed late or out of order, some cancelled; a consumer with
 * random delays that nacks some deliveries. Per key the first arrivals follow prepare order, skip
 * the cancelled ones, and none arrives before its predecessor's ack was sent (nor, by the
 * database's own clock, is published before that ack was recorded). An unordered subscription of
 * the same topic is not held back.
 */
class OrderedSubscriptionTest extends IntegrationTest {
  private static final String TOPIC = "order.ordered";
  private static final String ORDERED = "cart.ordered";
  private static final int KEYS = 16;
  private static final int PER_KEY = 8;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Autowired RedeliveryPort redelivery;

  /** One message of the test: its key, its index in prepare order, whether it was cancelled. */
  private record Sent(UUID id, String key, int index, boolean cancelled) {}

  /** A first arrival at the consumer. */
  private record Arrival(UUID id, long at, Long sequence) {}

  @Test
  void eachKeyArrivesInPrepareOrderOneAtATimeWhileOtherKeysAndSubscriptionsFlow() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Map<UUID, Sent> sent = new ConcurrentHashMap<>();
    Map<UUID, Arrival> firstArrival = new ConcurrentHashMap<>();
    Map<UUID, Long> ackSentAt = new ConcurrentHashMap<>();
    AtomicBoolean producing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(KEYS / 2 + 3);
    try (BrokerProbe queue = queue(ORDERED)) {
      queue.purge();
      Future<?> consumer =
          pool.submit(() -> consume(queue, sent, firstArrival, ackSentAt, producing));
      Future<?> pump = pool.submit(() -> pumpRetries(producing));
      List<Future<?>> producers = new ArrayList<>();
      for (int half = 0; half < 2; half++) {
        int first = half * KEYS / 2;
        for (int k = first; k < first + KEYS / 2; k++) {
          String key = run + "-key-" + k;
          long seed = k;
          producers.add(pool.submit(() -> produceKey(key, new Random(seed), sent)));
        }
      }
      for (Future<?> p : producers) {
        p.get(2, TimeUnit.MINUTES);
      }
      long expected = sent.values().stream().filter(s -> !s.cancelled()).count();
      Await.until(
          WAIT,
          "every confirmed message of the run acked on " + ORDERED,
          () -> ackedOf(sent.keySet()) == expected);
      producing.set(false);
      consumer.get(30, TimeUnit.SECONDS);
      pump.get(30, TimeUnit.SECONDS);
    } finally {
      producing.set(false);
      pool.shutdownNow();
    }

    assertThat(sent).hasSize(KEYS * PER_KEY);
    for (int k = 0; k < KEYS; k++) {
      String key = run + "-key-" + k;
      List<Sent> ofKey =
          sent.values().stream()
              .filter(s -> s.key().equals(key))
              .sorted((a, b) -> Integer.compare(a.index(), b.index()))
              .toList();
      List<Sent> delivered = ofKey.stream().filter(s -> !s.cancelled()).toList();
      List<Arrival> arrivals =
          ofKey.stream().map(s -> firstArrival.get(s.id())).filter(a -> a != null).toList();
      assertThat(arrivals)
          .as("key %s: only its confirmed messages arrive", key)
          .hasSize(delivered.size());
      List<Arrival> byTime = new ArrayList<>(arrivals);
      byTime.sort((a, b) -> Long.compare(a.at(), b.at()));
      assertThat(byTime.stream().map(Arrival::id).toList())
          .as("key %s: first arrivals in prepare order", key)
          .containsExactlyElementsOf(delivered.stream().map(Sent::id).toList());
      for (int i = 1; i < delivered.size(); i++) {
        UUID previous = delivered.get(i - 1).id();
        UUID next = delivered.get(i).id();
        assertThat(firstArrival.get(next).at())
            .as("key %s: %s arrived only after the ack of %s was sent", key, next, previous)
            .isGreaterThan(ackSentAt.get(previous));
        assertThat(firstArrival.get(next).sequence())
            .as("key %s: x-rms-sequence rises", key)
            .isGreaterThan(firstArrival.get(previous).sequence());
        assertThat(
                jdbc.queryForObject(
                    """
                    select n.published_at >= p.acked_at
                      from delivery n, delivery p
                     where n.message_id = ? and n.subscription = ?
                       and p.message_id = ? and p.subscription = ?
                    """,
                    Boolean.class,
                    next,
                    ORDERED,
                    previous,
                    ORDERED))
            .as("key %s: %s published after %s's ack was recorded", key, next, previous)
            .isTrue();
      }
    }
    List<String> unordered =
        jdbc.queryForList(
            """
            select distinct status from delivery
             where subscription = 'audit.ordered' and message_id = any(?::uuid[])
            """,
            String.class,
            (Object) sent.keySet().toArray(UUID[]::new));
    assertThat(unordered)
        .as("the unordered subscription of the topic got every message published at once")
        .containsOnly("PUBLISHED");
  }

  /**
   * Prepares the key's messages one after another, then confirms them late and partly out of order
   * (a later one may be confirmed before an earlier one), cancelling about one in seven.
   */
  private void produceKey(String key, Random random, Map<UUID, Sent> sent) {
    Api orders = as("orders");
    List<Sent> prepared = new ArrayList<>();
    for (int i = 0; i < PER_KEY; i++) {
      Response r = orders.prepare(TOPIC, "orderingKey", key, "payload", Map.of("key", key, "i", i));
      assertThat(r.status()).isEqualTo(201);
      Sent s = new Sent(r.id(), key, i, random.nextInt(7) == 0);
      prepared.add(s);
      sent.put(s.id(), s);
    }
    List<Sent> order = new ArrayList<>(prepared);
    for (int i = 0; i + 1 < order.size(); i += 2) {
      if (random.nextBoolean()) {
        Collections.swap(order, i, i + 1); // the later message of the pair is resolved first
      }
    }
    for (Sent s : order) {
      sleep(random.nextInt(15));
      String action = s.cancelled() ? "cancel" : "confirm";
      assertThat(orders.post("/api/v1/messages/" + s.id() + "/" + action).status()).isEqualTo(200);
    }
  }

  /** The consumer: random delays, one delivery in eight nacked for a retry, the rest acked. */
  private void consume(
      BrokerProbe queue,
      Map<UUID, Sent> sent,
      Map<UUID, Arrival> firstArrival,
      Map<UUID, Long> ackSentAt,
      AtomicBoolean producing) {
    Api cart = as("cart");
    Random random = new Random(42);
    while (producing.get()) {
      GetResponse r = queue.next(Duration.ofMillis(200));
      if (r == null) {
        continue;
      }
      UUID id = UUID.fromString(r.getProps().getMessageId());
      if (!sent.containsKey(id)) {
        continue; // another run's leftover
      }
      Object sequence = r.getProps().getHeaders().get("x-rms-sequence");
      firstArrival.putIfAbsent(
          id,
          new Arrival(
              id, System.nanoTime(), sequence == null ? null : Long.valueOf(sequence.toString())));
      sleep(random.nextInt(10));
      if (random.nextInt(8) == 0) {
        cart.post(
            "/api/v1/subscriptions/" + ORDERED + "/nacks",
            Map.of("messageId", id, "reason", "try again", "retry", true));
      } else {
        ackSentAt.putIfAbsent(id, System.nanoTime());
        Response ack =
            cart.post(
                "/api/v1/subscriptions/" + ORDERED + "/acks", Map.of("messageIds", List.of(id)));
        assertThat(ack.status()).isEqualTo(200);
      }
    }
  }

  /**
   * Stands in for the redelivery sweep of the subscription: nacked deliveries of this subscription
   * become due at once and are published again.
   */
  private void pumpRetries(AtomicBoolean producing) {
    while (producing.get()) {
      sleep(300);
      jdbc.update(
          """
          update delivery set next_attempt_at = now() - interval '1 second'
           where subscription = ? and status = 'SCHEDULED' and attempts > 0
          """,
          ORDERED);
      redelivery.publish(redelivery.claimDue(50, Duration.ofSeconds(30)));
    }
  }

  private long ackedOf(java.util.Set<UUID> ids) {
    Long n =
        jdbc.queryForObject(
            """
            select count(*) from delivery
             where subscription = ? and status = 'ACKED' and message_id = any(?::uuid[])
            """,
            Long.class,
            ORDERED,
            ids.toArray(UUID[]::new));
    return n == null ? 0 : n;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
