package io.rms.service.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import io.rms.recovery.StrandedKeySweep;
import io.rms.service.registry.Registry;
import io.rms.service.testing.Api;
import io.rms.service.testing.BrokerProbe;
import io.rms.service.testing.IntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The stranded-key sweep (docs/design.md §5.1) against a key stranded the way a replica with a
 * stale registry strands it: the subscription was just switched to ordered, the replica that takes
 * the head's ack still caches it unordered and so releases nothing. The sweep releases the stranded
 * delivery, records that it did, and leaves alone a delivery that rightly waits.
 */
class StrandedKeySweepTest extends IntegrationTest {
  private static final String SUB = "cart.stale";
  private static final String TOPIC = "order.stale";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Autowired Registry registry;
  @Autowired StrandedKeySweep sweep;
  @Autowired Scheduler scheduler;

  private Api orders;
  private Api cart;

  @BeforeEach
  void clients() {
    orders = as("orders");
    cart = as("cart");
  }

  private UUID next(BrokerProbe queue) {
    GetResponse r = queue.next(WAIT);
    assertThat(r).as("a delivery arrives").isNotNull();
    return UUID.fromString(r.getProps().getMessageId());
  }

  private String status(UUID id) {
    return jdbc.queryForObject(
        "select status from delivery where message_id = ? and subscription = ?",
        String.class,
        id,
        SUB);
  }

  /**
   * This replica's registry caches the subscription as unordered while the database has it ordered
   * again: the state of a replica within its refresh interval after an admin's change elsewhere.
   */
  private void cacheUnorderedWhileOrdered() {
    jdbc.update("update subscription set ordered = false where name = ?", SUB);
    registry.refresh();
    jdbc.update("update subscription set ordered = true where name = ?", SUB);
  }

  @Test
  void aKeyStrandedByAStaleRegistryIsReleasedByTheSweepAndOnlyItsHead() {
    String key = UUID.randomUUID().toString();
    String other = UUID.randomUUID().toString();
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      UUID first = orders.send(TOPIC, "orderingKey", key, "payload", "{}").id();
      UUID second = orders.send(TOPIC, "orderingKey", key, "payload", "{}").id();
      UUID third = orders.send(TOPIC, "orderingKey", key, "payload", "{}").id();
      UUID otherFirst = orders.send(TOPIC, "orderingKey", other, "payload", "{}").id();
      UUID otherSecond = orders.send(TOPIC, "orderingKey", other, "payload", "{}").id();
      assertThat(java.util.Set.of(next(queue), next(queue))).containsOnly(first, otherFirst);
      try {
        cacheUnorderedWhileOrdered();
        assertThat(cart.ack(SUB, first).status()).isEqualTo(200);
      } finally {
        registry.refresh();
      }
      assertThat(queue.next(Duration.ofMillis(300))).as("the stale ack released nothing").isNull();
      assertThat(status(second)).as("stranded").isEqualTo("WAITING");
      var delivery = orders.get("/api/v1/messages/" + second).body().get("deliveries").get(0);
      assertThat(delivery.get("waitingFor").isNull())
          .as("it waits for nothing: every earlier message is finished")
          .isTrue();

      // other tests' leftovers in the shared database may be released too: count only ours
      assertThat(sweep.run()).as("the sweep released something").isPositive();
      assertThat(next(queue)).isEqualTo(second);
      assertThat(status(third)).as("the next one waits for the released one").isEqualTo("WAITING");
      assertThat(status(otherSecond)).as("a key whose head is unacked waits").isEqualTo("WAITING");
      assertThat(
              jdbc.queryForObject(
                  """
                  select detail->>'by' from message_event
                   where message_id = ? and type = 'KEY_RELEASED' and subscription = ?
                  """,
                  String.class,
                  second,
                  SUB))
          .isEqualTo("stranded-key sweep");
      sweep.run();
      assertThat(status(third)).as("a second run changes nothing here").isEqualTo("WAITING");
      assertThat(status(otherSecond)).isEqualTo("WAITING");

      cart.ack(SUB, second);
      assertThat(next(queue)).isEqualTo(third);
      cart.ack(SUB, third, otherFirst);
      assertThat(next(queue)).isEqualTo(otherSecond);
      cart.ack(SUB, otherSecond);
    }
  }

  /**
   * Sends two messages of a new key, takes the first from the queue and acks it through the stale
   * registry: the second is stranded. Returns it.
   */
  private UUID strandedSecond(BrokerProbe queue) {
    String key = UUID.randomUUID().toString();
    UUID first = orders.send(TOPIC, "orderingKey", key, "payload", "{}").id();
    UUID second = orders.send(TOPIC, "orderingKey", key, "payload", "{}").id();
    assertThat(next(queue)).isEqualTo(first);
    try {
      cacheUnorderedWhileOrdered();
      assertThat(cart.ack(SUB, first).status()).isEqualTo(200);
    } finally {
      registry.refresh();
    }
    assertThat(status(second)).as("stranded").isEqualTo("WAITING");
    return second;
  }

  private long releasedEvents(UUID id) {
    return jdbc.queryForObject(
        "select count(*) from message_event where message_id = ? and type = 'KEY_RELEASED'",
        Long.class,
        id);
  }

  @Test
  void twoSweepsAtOnceReleaseAStrandedDeliveryOnce() throws Exception {
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      UUID second = strandedSecond(queue);
      ExecutorService replicas = Executors.newFixedThreadPool(2);
      try {
        List<Future<Integer>> runs =
            List.of(replicas.submit(sweep::run), replicas.submit(sweep::run));
        for (Future<Integer> run : runs) {
          run.get(30, TimeUnit.SECONDS);
        }
      } finally {
        replicas.shutdownNow();
      }
      assertThat(releasedEvents(second)).as("released once").isEqualTo(1);
      assertThat(next(queue)).isEqualTo(second);
      assertThat(queue.next(Duration.ofMillis(500))).as("published once").isNull();
      cart.ack(SUB, second);
    }
  }

  @Test
  void theScheduledJobReleasesAStrandedKey() throws Exception {
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      UUID second = strandedSecond(queue);
      scheduler.triggerJob(JobKey.jobKey(StrandedKeySweep.NAME, "rms"));
      assertThat(next(queue)).as("the job ran the sweep").isEqualTo(second);
      assertThat(releasedEvents(second)).isEqualTo(1);
      cart.ack(SUB, second);
    }
  }
}
