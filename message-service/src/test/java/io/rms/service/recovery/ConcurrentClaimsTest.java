package io.rms.service.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rms.recovery.CheckAnswer;
import io.rms.recovery.CheckBackPolicy;
import io.rms.recovery.CheckBackSweep;
import io.rms.recovery.DeliveryKey;
import io.rms.recovery.RedeliveryPolicy;
import io.rms.recovery.RedeliveryPort;
import io.rms.recovery.RedeliverySweep;
import io.rms.recovery.SweepMeter;
import io.rms.service.testing.Await;
import io.rms.service.testing.BrokerProbe;
import io.rms.service.testing.IntegrationTest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Three scheduler instances (three sweeps with their own threads and connections) drain a few
 * thousand due items from one database at once: every item is claimed and processed exactly once.
 */
class ConcurrentClaimsTest extends IntegrationTest {
  private static final int INSTANCES = 3;

  @Autowired RedeliveryAdapter deliveries;
  @Autowired CheckBackAdapter checkBacks;

  private final SweepMeter meter = new SweepMeter(new SimpleMeterRegistry(), Clock.systemUTC());

  /** Leaves nothing behind that a later sweep in this JVM would pick up. */
  @AfterEach
  void removeTheItems() {
    jdbc.update("delete from message where topic = 'order.claims'");
  }

  @Test
  void threeInstancesPublishEveryDueDeliveryExactlyOnce() throws Exception {
    int items = 3000;
    jdbc.update(
        """
        with m as (
          insert into message (id, app_id, topic, status, content_type, payload, content_hash,
                               confirmed_at, pending_deliveries)
          select gen_random_uuid(), 'orders', 'order.claims', 'CONFIRMED', 'application/json',
                 convert_to('{"n":' || n || '}', 'UTF8'), '\\x00'::bytea, now(), 1
            from generate_series(1, ?) as n
          returning id
        )
        insert into delivery (message_id, subscription, status, next_attempt_at)
        select id, 'cart.claims', 'SCHEDULED', now() - interval '1 second' from m
        """,
        items);
    Map<String, AtomicInteger> claims = new ConcurrentHashMap<>();
    AtomicInteger rounds = new AtomicInteger();

    try (BrokerProbe queue = queue("cart.claims")) {
      queue.purge();
      long start = System.nanoTime();
      runConcurrently(
          () -> {
            RedeliverySweep sweep =
                new RedeliverySweep(
                    new CountingRedelivery(deliveries, claims),
                    new RedeliveryPolicy(100, 100_000, Duration.ofMinutes(1)),
                    meter);
            while (sweep.run() > 0) {
              rounds.incrementAndGet();
            }
            return null;
          });
      Duration claimed = Duration.ofNanos(System.nanoTime() - start);

      assertThat(claims).hasSize(items);
      assertThat(claims.values()).allSatisfy(n -> assertThat(n).hasValue(1));
      Await.until(
          Duration.ofSeconds(60),
          "all published",
          () ->
              jdbc.queryForObject(
                      """
                      select count(*) from delivery
                       where subscription = 'cart.claims' and status = 'PUBLISHED' and attempts = 1
                      """,
                      Integer.class)
                  == items);
      Duration published = Duration.ofNanos(System.nanoTime() - start);
      List<String> received = new ArrayList<>();
      queue.drain(Duration.ofSeconds(1)).forEach(r -> received.add(r.getProps().getMessageId()));
      Set<String> distinct = new HashSet<>(received);
      int claimCount = claims.values().stream().mapToInt(AtomicInteger::get).sum();
      System.out.printf(
          "FIGURES three-instance redelivery: items=%d claims=%d duplicates=%d sweep runs=%d"
              + " broker messages=%d distinct=%d claimed in %d ms, all published in %d ms%n",
          items,
          claimCount,
          claimCount - claims.size(),
          rounds.get(),
          received.size(),
          distinct.size(),
          claimed.toMillis(),
          published.toMillis());
      assertThat(received).hasSize(items);
      assertThat(distinct).hasSize(items);
    }
  }

  @Test
  void threeInstancesCheckBackEveryDueMessageExactlyOnce() throws Exception {
    int items = 1500;
    jdbc.update(
        """
        insert into message (id, app_id, topic, status, content_type, payload, content_hash,
                             next_check_at)
        select gen_random_uuid(), 'claimtest', 'order.claims', 'PREPARED', 'application/json',
               '{}'::bytea, '\\x00'::bytea, now() - interval '1 second'
          from generate_series(1, ?)
        """,
        items);
    Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      runConcurrently(
          () -> {
            CheckBackSweep sweep =
                new CheckBackSweep(
                    checkBacks,
                    message -> {
                      if (message.app().equals("claimtest")) {
                        asked
                            .computeIfAbsent(message.id().toString(), k -> new AtomicInteger())
                            .incrementAndGet();
                      }
                      return CheckAnswer.of(CheckAnswer.Verdict.UNKNOWN);
                    },
                    new CheckBackPolicy(
                        100,
                        15,
                        failures -> Duration.ofHours(1),
                        Duration.ofMinutes(2),
                        Duration.ofSeconds(5),
                        4),
                    callers,
                    meter,
                    Clock.systemUTC());
            while (sweep.run() > 0) {
              // drain
            }
            return null;
          });
    } finally {
      callers.shutdownNow();
    }
    int calls = asked.values().stream().mapToInt(AtomicInteger::get).sum();
    System.out.printf(
        "FIGURES three-instance check-back: items=%d producer calls=%d duplicates=%d%n",
        items, calls, calls - asked.size());
    assertThat(asked).hasSize(items);
    assertThat(calls).isEqualTo(items);
    assertThat(
            jdbc.queryForObject(
                "select count(*) from message where app_id = 'claimtest' and check_count = 1",
                Integer.class))
        .isEqualTo(items);
    assertThat(
            jdbc.queryForObject(
                """
                select count(*) from message_event e join message m on m.id = e.message_id
                 where m.app_id = 'claimtest' and e.type = 'CHECK_BACK'
                """,
                Integer.class))
        .isEqualTo(items);
  }

  private static void runConcurrently(Callable<Void> instance) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(INSTANCES);
    try {
      List<Future<Void>> runs = new ArrayList<>();
      for (int i = 0; i < INSTANCES; i++) {
        runs.add(pool.submit(instance));
      }
      for (Future<Void> run : runs) {
        run.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The real port, counting which deliveries of the test subscription each claim returned. */
  private record CountingRedelivery(RedeliveryPort real, Map<String, AtomicInteger> claims)
      implements RedeliveryPort {

    @Override
    public List<DeliveryKey> claimDue(int limit, Duration lease) {
      List<DeliveryKey> due = real.claimDue(limit, lease);
      for (DeliveryKey d : due) {
        if (d.subscription().equals("cart.claims")) {
          claims
              .computeIfAbsent(d.messageId().toString(), k -> new AtomicInteger())
              .incrementAndGet();
        }
      }
      return due;
    }

    @Override
    public List<DeliveryKey> claimOverdue(int limit, Duration lease) {
      return real.claimOverdue(limit, lease);
    }

    @Override
    public Optional<DeliveryPolicy> policy(String subscription) {
      return real.policy(subscription);
    }

    @Override
    public int retryLater(List<Retry> retries) {
      return real.retryLater(retries);
    }

    @Override
    public int bury(List<DeliveryKey> dead, String reason) {
      return real.bury(dead, reason);
    }

    @Override
    public void publish(List<DeliveryKey> due) {
      real.publish(due);
    }

    @Override
    public int inFlight() {
      return real.inFlight();
    }
  }
}
