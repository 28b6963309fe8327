package io.rms.service.replay;

import static io.rms.service.replay.ReplayTest.window;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import io.rms.recovery.RedeliverySweep;
import io.rms.service.config.RmsProperties;
import io.rms.service.message.DeliveryDispatcher;
import io.rms.service.message.EventStore;
import io.rms.service.message.KeyLocks;
import io.rms.service.message.MessageStore;
import io.rms.service.message.OrderedKeys;
import io.rms.service.message.ReplayDeliveries;
import io.rms.service.registry.Registry;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.BrokerProbe;
import io.rms.service.testing.IntegrationTest;
import io.rms.testsupport.SettableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The replay steps: paced by {@code rms.replay.rate} on the injected clock (moved here, never
 * waited for), resumable by a new instance after a restart, never doubled by two replicas stepping
 * at once, and a replayed delivery whose publish was lost is published by the redelivery sweep with
 * its replay id.
 */
class ReplayStepsTest extends IntegrationTest {
  private static final String TOPIC = "order.replay-limits";
  private static final String SUB = "cart.replay-limits";

  @Autowired ReplayStore store;
  @Autowired ReplayDeliveries deliveries;
  @Autowired MessageStore messages;
  @Autowired EventStore events;
  @Autowired OrderedKeys orderedKeys;
  @Autowired KeyLocks keyLocks;
  @Autowired Registry registry;
  @Autowired DeliveryDispatcher dispatcher;
  @Autowired TransactionTemplate tx;
  @Autowired RmsProperties rms;
  @Autowired RedeliverySweep redelivery;

  private final SettableClock clock =
      new SettableClock(Instant.now().truncatedTo(ChronoUnit.MICROS));

  /** A replica's steps at {@code rate} per second, on the test's clock, a second's burst. */
  private ReplaySteps replica(int rate, DeliveryDispatcher publishing) {
    return replica(rate, Duration.ofSeconds(1), clock, publishing);
  }

  /** A replica's steps at {@code rate} per second and {@code burst}, on {@code time}. */
  private ReplaySteps replica(int rate, Duration burst, Clock time, DeliveryDispatcher publishing) {
    return new ReplaySteps(
        store,
        deliveries,
        messages,
        events,
        orderedKeys,
        keyLocks,
        registry,
        publishing,
        tx,
        time,
        new ReplayProperties(rate, Duration.ofHours(1), 100_000, burst),
        rms);
  }

  private Instant dbNow() {
    return jdbc.queryForObject("select now()", java.sql.Timestamp.class).toInstant();
  }

  /**
   * Sends {@code n} messages, takes their first deliveries off the queue and acks them; starts a
   * replay of them; returns its id.
   */
  private String replayOf(int n, String key, BrokerProbe queue) {
    Instant from = dbNow();
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(as("orders").send(TOPIC, "businessKey", key, "payload", Map.of("i", i)).id());
    }
    for (int i = 0; i < n; i++) {
      assertThat(queue.next(ReplayTest.WAIT)).as("first delivery %s", i).isNotNull();
    }
    assertThat(as("cart").ack(SUB, ids.toArray(UUID[]::new)).status()).isEqualTo(200);
    Response started =
        as("ops")
            .post(
                "/api/v1/admin/subscriptions/" + SUB + "/replay",
                window(from, dbNow().plusSeconds(1), "businessKey", key));
    assertThat(started.status()).isEqualTo(202);
    assertThat(started.body().get("selected").asInt()).isEqualTo(n);
    // the replay's pace starts from this test's clock, a second's worth available
    jdbc.update(
        "update replay set paced_until = ?::timestamptz where id = ?",
        clock.instant().minusSeconds(1).toString(),
        started.text("replayId"));
    return started.text("replayId");
  }

  private long replayedEvents(String replayId) {
    return jdbc.queryForObject(
        "select count(*) from message_event where type = 'REPLAYED' and detail->>'replayId' = ?",
        Long.class,
        replayId);
  }

  private String state(String replayId) {
    return jdbc.queryForObject("select state from replay where id = ?", String.class, replayId);
  }

  @Test
  void eachStepTakesNoMoreThanTheRateAllowsSinceTheLast() {
    String key = "pace-" + UUID.randomUUID();
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      String id = replayOf(25, key, queue);
      ReplaySteps steps = replica(10, dispatcher);

      assertThat(steps.advance(id)).as("a second's worth").isEqualTo(10);
      assertThat(steps.advance(id)).as("no time passed").isZero();
      clock.advance(Duration.ofMillis(500));
      assertThat(steps.advance(id)).as("half a second").isEqualTo(5);
      clock.advance(Duration.ofSeconds(30));
      assertThat(steps.advance(id)).as("an idle replay bursts one second at most").isEqualTo(10);
      assertThat(state(id)).isEqualTo("DONE");
      assertThat(replayedEvents(id)).isEqualTo(25);
      assertThat(queue.drain(Duration.ofMillis(500))).hasSize(25);
    }
  }

  @Test
  void aStepSpendsAtMostOneBurstOfPace() {
    String key = "burst-" + UUID.randomUUID();
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      String id = replayOf(25, key, queue);
      ReplaySteps steps = replica(100, Duration.ofMillis(100), clock, dispatcher);

      assertThat(steps.advance(id)).as("a second is available, a burst is spent").isEqualTo(10);
      clock.advance(Duration.ofSeconds(30));
      assertThat(steps.advance(id)).as("idle for long, still one burst").isEqualTo(10);
      clock.advance(Duration.ofMillis(50));
      assertThat(steps.advance(id)).as("half a burst").isEqualTo(5);
      assertThat(state(id)).isEqualTo("DONE");
      assertThat(queue.drain(Duration.ofMillis(500))).hasSize(25);
    }
  }

  @Test
  void theSweepStepsEveryBurstForTheRestOfItsTick() {
    String key = "spread-" + UUID.randomUUID();
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      String id = replayOf(30, key, queue);
      Set<UUID> mine =
          Set.copyOf(
              jdbc.queryForList(
                  "select message_id from replay_item where replay_id = ?", UUID.class, id));
      List<Integer> steps = new CopyOnWriteArrayList<>();
      DeliveryDispatcher counting =
          publishes -> {
            // other tests' replays may still run: count this one's publishes only
            int n = (int) publishes.stream().filter(p -> mine.contains(p.messageId())).count();
            if (n > 0) {
              steps.add(n);
            }
            dispatcher.dispatch(publishes);
          };
      ReplayAdapter sweep =
          new ReplayAdapter(
              replica(50, Duration.ofMillis(100), Clock.systemUTC(), counting),
              new ReplayProperties(50, Duration.ofSeconds(1), 100_000, Duration.ofMillis(100)));

      sweep.advanceReplays();
      assertThat(steps).as("one run of the sweep took several steps").hasSizeGreaterThan(1);
      for (int run = 0; run < 10 && !"DONE".equals(state(id)); run++) {
        sweep.advanceReplays();
      }
      assertThat(state(id)).isEqualTo("DONE");
      assertThat(steps.stream().mapToInt(Integer::intValue).sum()).isEqualTo(30);
      assertThat(steps)
          .as("50/s in bursts of 100 ms")
          .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(5));
      assertThat(
              queue.drain(Duration.ofMillis(500)).stream()
                  .map(r -> UUID.fromString(r.getProps().getMessageId())))
          .containsAll(mine);
    }
  }

  @Test
  void aNewInstanceResumesWhereTheLastStepStoppedAndTwoReplicasNeverDoubleIt() throws Exception {
    String key = "resume-" + UUID.randomUUID();
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      String id = replayOf(40, key, queue);
      assertThat(replica(10, dispatcher).advance(id)).isEqualTo(10);
      // "restart": the first instance is gone; two replicas step the same replay at once
      ReplaySteps a = replica(10, dispatcher);
      ReplaySteps b = replica(10, dispatcher);
      AtomicInteger handled = new AtomicInteger(10);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        for (int round = 0; round < 6 && !"DONE".equals(state(id)); round++) {
          clock.advance(Duration.ofSeconds(1));
          Future<Integer> x = pool.submit(a::advanceAll);
          Future<Integer> y = pool.submit(b::advanceAll);
          int both = x.get() + y.get();
          assertThat(both).as("one replica's step per second of pace").isLessThanOrEqualTo(10);
          handled.addAndGet(both);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(state(id)).isEqualTo("DONE");
      assertThat(handled.get()).isEqualTo(40);
      assertThat(replayedEvents(id)).as("each message replayed once").isEqualTo(40);
      List<GetResponse> got = queue.drain(Duration.ofMillis(500));
      assertThat(got).hasSize(40);
      assertThat(got.stream().map(r -> r.getProps().getMessageId()).distinct()).hasSize(40);
    }
  }

  @Test
  void aReplayedDeliveryWhosePublishWasLostIsRepublishedWithItsReplayId() {
    String key = "lost-" + UUID.randomUUID();
    parkUnfinishedDeliveries();
    try (BrokerProbe queue = queue(SUB)) {
      queue.purge();
      String id = replayOf(2, key, queue);
      ReplaySteps crashing = replica(10, lost -> {}); // the replica died after its commit
      assertThat(crashing.advance(id)).isEqualTo(2);
      assertThat(queue.next(Duration.ofMillis(300))).isNull();
      assertThat(
              jdbc.update(
                  """
                  update delivery set next_attempt_at = now()
                   where replay_id = ? and status = 'SCHEDULED'
                  """,
                  id))
          .isEqualTo(2);
      redelivery.run();
      for (int i = 0; i < 2; i++) {
        GetResponse r = queue.next(ReplayTest.WAIT);
        assertThat(r).isNotNull();
        assertThat(r.getProps().getHeaders().get("x-rms-replay").toString()).isEqualTo(id);
        assertThat(r.getProps().getHeaders().get("x-rms-attempt")).isEqualTo(1);
      }
    }
  }
}
