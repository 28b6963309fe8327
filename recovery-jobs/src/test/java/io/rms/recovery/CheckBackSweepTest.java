package io.rms.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rms.recovery.CheckAnswer.Verdict;
import io.rms.testsupport.SettableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CheckBackSweepTest {
  private final FakePort port = new FakePort();
  private final Map<UUID, CheckAnswer> answers = new HashMap<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final CheckBackPolicy policy =
      new CheckBackPolicy(
          10,
          3,
          failures -> Duration.ofSeconds(10L * failures),
          Duration.ofMinutes(2),
          Duration.ofSeconds(5),
          2);
  private final Clock clock = Clock.fixed(Instant.ofEpochSecond(1000), ZoneOffset.UTC);
  private final CheckBackSweep sweep =
      new CheckBackSweep(
          port,
          m -> answers.getOrDefault(m.id(), CheckAnswer.of(Verdict.UNKNOWN)),
          policy,
          Runnable::run,
          new SweepMeter(registry, clock),
          clock);

  @Test
  void commitConfirmsAndRollbackCancels() {
    PreparedMessage committed = prepared("orders", 0, CheckAnswer.of(Verdict.COMMIT));
    PreparedMessage rolledBack = prepared("orders", 4, CheckAnswer.of(Verdict.ROLLBACK));

    assertThat(sweep.run()).isEqualTo(2);

    assertThat(port.calls)
        .containsExactlyInAnyOrder("commit " + committed.id(), "rollback " + rolledBack.id());
    assertThat(outcomes("orders", "COMMIT")).isEqualTo(1);
    assertThat(outcomes("orders", "ROLLBACK")).isEqualTo(1);
  }

  @Test
  void noDecisionAsksAgainAfterTheBackoffOfTheChecksMade() {
    PreparedMessage unknown = port.add("orders", 0);
    PreparedMessage failing = prepared("billing", 1, CheckAnswer.error("HTTP 500"));

    sweep.run();

    assertThat(port.calls)
        .containsExactlyInAnyOrder(
            "retry " + unknown.id() + " PT10S", "retry " + failing.id() + " PT20S");
    assertThat(outcomes("orders", "UNKNOWN")).isEqualTo(1);
    assertThat(outcomes("billing", "ERROR")).isEqualTo(1);
  }

  @Test
  void theLastAllowedCheckWithoutDecisionParksTheMessageInDoubt() {
    PreparedMessage last = prepared("orders", 2, CheckAnswer.error("timeout"));

    sweep.run();

    assertThat(port.calls).containsExactly("park " + last.id());
  }

  @Test
  void aProducerNotAskedIsPostponedWithoutCountingACheck() {
    PreparedMessage skipped = prepared("orders", 2, CheckAnswer.of(Verdict.NOT_CALLED));

    sweep.run();

    assertThat(port.calls).containsExactly("postpone " + skipped.id() + " PT5S");
    assertThat(registry.find("rms.checkback.outcomes").counters()).isEmpty();
  }

  @Test
  void aRunClaimsOneBoundedBatchAndRecordsSweepMetrics() {
    for (int i = 0; i < 25; i++) {
      port.add("orders", 0);
    }
    assertThat(sweep.run()).isEqualTo(10);
    assertThat(port.claimedWithLease).containsExactly(Duration.ofMinutes(2));
    assertThat(registry.get("rms.sweep.batch.size").tag("sweep", "check-back").summary().count())
        .isEqualTo(1);
    assertThat(registry.get("rms.sweep.last.run").tag("sweep", "check-back").gauge().value())
        .isEqualTo(1000.0);
    assertThat(registry.get("rms.sweep.duration").tag("sweep", "check-back").timer().count())
        .isEqualTo(1);
  }

  @Test
  void aFailureToRecordOneOutcomeDoesNotStopTheOthers() {
    PreparedMessage broken = prepared("orders", 0, CheckAnswer.of(Verdict.COMMIT));
    PreparedMessage fine = prepared("orders", 0, CheckAnswer.of(Verdict.ROLLBACK));
    port.failOn = broken.id();

    assertThat(sweep.run()).isEqualTo(2);

    assertThat(port.calls).containsExactly("rollback " + fine.id());
  }

  @Test
  void everyClaimedMessageOfOneAppIsAskedInTheRunWithExactlyItsConcurrency() {
    for (int i = 0; i < 10; i++) {
      prepared("orders", 0, CheckAnswer.of(Verdict.COMMIT));
    }
    java.util.concurrent.atomic.AtomicInteger inFlight =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger mostInFlight =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.CountDownLatch bothAsked = new java.util.concurrent.CountDownLatch(2);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      CheckBackSweep lanes =
          new CheckBackSweep(
              port,
              m -> {
                mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                // the first two calls wait for each other: a sweep that asks one at a time never
                // gets past this with two in flight
                bothAsked.countDown();
                try {
                  bothAsked.await(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                inFlight.decrementAndGet();
                return answers.get(m.id());
              },
              policy,
              pool,
              new SweepMeter(registry, clock),
              clock);

      assertThat(lanes.run()).isEqualTo(10);
    } finally {
      pool.shutdownNow();
    }

    assertThat(port.calls).hasSize(10).allMatch(c -> c.startsWith("commit "));
    assertThat(mostInFlight.get())
        .as("the app's concurrency, reached and not exceeded")
        .isEqualTo(2);
  }

  @Test
  void aLaneThatReachesAMessageAfterHalfTheLeasePostponesIt() {
    PreparedMessage first = prepared("orders", 0, CheckAnswer.of(Verdict.COMMIT));
    PreparedMessage second = port.add("orders", 0);
    PreparedMessage third = port.add("orders", 0);
    // each call takes 40 s of a two-minute lease: the third would start after half of it
    SettableClock moving = new SettableClock(Instant.ofEpochSecond(1000));
    CheckBackSweep slow =
        new CheckBackSweep(
            port,
            m -> {
              moving.advance(Duration.ofSeconds(40));
              return answers.getOrDefault(m.id(), CheckAnswer.of(Verdict.COMMIT));
            },
            new CheckBackPolicy(
                10,
                3,
                f -> Duration.ofSeconds(10),
                Duration.ofMinutes(2),
                Duration.ofSeconds(5),
                1),
            Runnable::run,
            new SweepMeter(registry, moving),
            moving);

    slow.run();

    assertThat(port.calls)
        .containsExactly(
            "commit " + first.id(), "commit " + second.id(), "postpone " + third.id() + " PT5S");
  }

  /**
   * A PREPARED message of {@code app} with {@code checks} checks made so far, which the producer
   * answers with {@code answer}.
   */
  private PreparedMessage prepared(String app, int checks, CheckAnswer answer) {
    PreparedMessage m = port.add(app, checks);
    answers.put(m.id(), answer);
    return m;
  }

  private double outcomes(String app, String decision) {
    return registry
        .get("rms.checkback.outcomes")
        .tag("app", app)
        .tag("decision", decision)
        .counter()
        .count();
  }

  private static final class FakePort implements CheckBackPort {
    final List<PreparedMessage> prepared = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    final List<Duration> claimedWithLease = new ArrayList<>();
    UUID failOn;

    PreparedMessage add(String app, int checks) {
      PreparedMessage m =
          new PreparedMessage(
              UUID.randomUUID(), app, null, "order.created", null, Instant.EPOCH, checks);
      prepared.add(m);
      return m;
    }

    @Override
    public List<PreparedMessage> claimDue(int limit, Duration lease) {
      claimedWithLease.add(lease);
      return List.copyOf(prepared.subList(0, Math.min(limit, prepared.size())));
    }

    /**
     * Records an outcome as {@code "<call> <id> <details…>"}, or fails it as if the database were
     * gone when it is for message {@link #failOn}.
     */
    private boolean record(String call, PreparedMessage m, Object... details) {
      if (m.id().equals(failOn)) {
        throw new IllegalStateException("database gone");
      }
      StringBuilder line = new StringBuilder(call).append(' ').append(m.id());
      for (Object detail : details) {
        line.append(' ').append(detail);
      }
      calls.add(line.toString());
      return true;
    }

    @Override
    public boolean commit(PreparedMessage message, CheckAnswer answer) {
      return record("commit", message);
    }

    @Override
    public boolean rollback(PreparedMessage message, CheckAnswer answer) {
      return record("rollback", message);
    }

    @Override
    public boolean retryLater(PreparedMessage message, CheckAnswer answer, Duration delay) {
      return record("retry", message, delay);
    }

    @Override
    public boolean park(PreparedMessage message, CheckAnswer answer) {
      return record("park", message);
    }

    @Override
    public void postpone(PreparedMessage message, Duration delay) {
      record("postpone", message, delay);
    }
  }
}
