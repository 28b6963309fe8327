package io.rms.e2e.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.e2e.ModelCluster;
import io.rms.e2e.model.History.Violation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The ordered subscription against a randomised, model-checked run (docs/reliability.md, "Ordering
 * model"): two service replicas on one PostgreSQL and one RabbitMQ, a producer on three hot keys of
 * two topics, a consumer that reads the subscription's queue itself (manual acks, prefetch 10) and
 * acks or nacks over the REST API of either replica, and an operator and an admin. Each seed draws
 * a list of steps ({@link StepGenerator}: sends, handling with acks and both nacks, waits past the
 * ack timeout, consumer crashes mid-handler, late acks and nacks, stray nacks, discard, redeliver,
 * deactivate/activate, topic change, a replica killed and restarted). After the steps the run
 * drains ({@link Drain}) and the history is checked ({@link OrderingChecker}).
 *
 * <p>The model's rules, per subscription and key:
 *
 * <ul>
 *   <li>A delivery is <b>finished</b> once an ack of it answered ACKED or a discard listed it, from
 *       the moment that call began (the release of the next message happens inside the call, and
 *       its copy may arrive before the answer). A nack with retry, an ack timeout, a crash and a
 *       nack without retry (DEAD) do not finish it: the key stays with it. A call without an answer
 *       (a killed replica, a 5xx) counts as finishing it from its start, which only loosens the
 *       check.
 *   <li><b>Never two in flight:</b> the first copy of a key's next delivery (next by {@code
 *       order_seq} among the subscription's deliveries) may only arrive after its predecessor is
 *       finished. Copies of the same message, a finished message's late copies (requeued by a
 *       crash, republished after a timeout) are duplicates, not a second message in flight.
 *   <li><b>Strictly increasing</b> {@code x-rms-sequence} among the copies the handler takes (an
 *       inbox drops copies of finished messages), equal to the message's {@code order_seq}.
 *   <li><b>No gaps:</b> the acked deliveries of a key were handed out in {@code order_seq} order,
 *       and only DISCARDED deliveries (and cancelled messages, which have none) are skipped.
 *   <li><b>No 5xx</b> from any call, and answers that tell the truth: ALREADY_ACKED only after a
 *       successful ack; an ack's ACKED and a discard's item match the final status.
 *   <li><b>No stranded key:</b> once the steps stop, every delivery of the subscription is ACKED or
 *       DISCARDED within the drain bound.
 * </ul>
 *
 * <p>{@code -Dmodel.seed} (first seed, default fixed), {@code -Dmodel.seeds} (how many, one after
 * the other on the same processes), {@code -Dmodel.steps} (steps per seed), {@code
 * -Dmodel.leaveOut} (step kinds not drawn). A failure prints the seed, the violations and the step
 * list; each seed's list is written to {@code target/e2e-work/model/seed-<seed>.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrderingModelIT {
  private static final long FIRST_SEED = Long.getLong("model.seed", 20261207L);
  private static final int SEEDS =
      Integer.getInteger(
          "model.seeds", "long".equalsIgnoreCase(System.getProperty("e2e.scale")) ? 10 : 1);
  private static final int STEPS = Integer.getInteger("model.steps", 300);

  /**
   * Step kinds left out ({@code -Dmodel.leaveOut=STRAY_NACK,CHANGE_TOPIC}), to narrow a failure.
   */
  private static final Set<Step.Kind> LEFT_OUT =
      Arrays.stream(System.getProperty("model.leaveOut", "").split(","))
          .map(String::trim)
          .filter(k -> !k.isEmpty())
          .map(Step.Kind::valueOf)
          .collect(Collectors.toSet());

  /** Ack timeout 2 s, 5 attempts, backoff 1 s doubling up to 2 s. */
  static final SubscriptionAdmin.Settings SUBSCRIPTION = new SubscriptionAdmin.Settings(2, 5, 1, 2);

  /** Recovery sweep and registry refresh period of the replicas. */
  private static final Duration PERIOD = Duration.ofSeconds(1);

  private ModelCluster cluster;
  private Path out;

  @BeforeAll
  void startCluster() throws IOException {
    String selected = System.getProperty("e2e.scenarios", "");
    Assumptions.assumeTrue(
        selected.isBlank() || List.of(selected.split(",")).contains("model"),
        "not selected (E2E_SCENARIOS)");
    Path work = Path.of(System.getProperty("e2e.workDir", "target/e2e-work"));
    out = work.resolve("model");
    Files.createDirectories(out);
    long t0 = System.nanoTime();
    cluster =
        new ModelCluster(work, Path.of(System.getProperty("e2e.serviceJar")), serviceSettings());
    System.out.printf("[model] cluster up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  /** Short periods, so that timeouts, redeliveries and draining happen in seconds. */
  static Map<String, String> serviceSettings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("rms.recovery.interval", PERIOD.toSeconds() + "s");
    s.put("rms.recovery.lease", "5s");
    s.put("rms.recovery.batch-size", "200");
    s.put("rms.recovery.max-in-flight", "200");
    s.put("rms.registry.refresh", PERIOD.toSeconds() + "s");
    s.put("rms.dispatch.publish-grace", "2s");
    s.put("rms.dispatch.failure-retry", "1s");
    s.put("rms.dispatch.confirm-timeout", "3s");
    s.put("rms.check-back.after", "60s");
    // more settings for the replicas (e.g. of a new sweep): -Dmodel.serviceArgs=k=v,k=v
    for (String kv : System.getProperty("model.serviceArgs", "").split(",")) {
      if (kv.contains("=")) {
        s.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
      }
    }
    return s;
  }

  /**
   * How long a key may take to drain once the faults stop: a redelivery cycle is at most an ack
   * timeout, a backoff and a sweep period; a stranded-key sweep or a registry refresh adds a period
   * each. Five such cycles, plus half a second per delivery still open when the drain starts.
   */
  static Duration drainBound() {
    long cycle =
        SUBSCRIPTION.ackTimeoutSeconds() + SUBSCRIPTION.backoffMax() + 2 * PERIOD.toSeconds();
    return Duration.ofSeconds(5 * cycle);
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void orderedKeysStayInOrderUnderRandomFaults() throws IOException {
    List<String> failed = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < SEEDS; i++) {
      long seed = FIRST_SEED + i;
      long s0 = System.nanoTime();
      SeedResult result = runSeed(seed);
      Path file = out.resolve("seed-" + seed + ".txt");
      Files.writeString(file, result.report());
      System.out.printf(
          "[model] seed %d: %d steps, %d violations, %.1f s (%s)%n",
          seed, STEPS, result.violations().size(), (System.nanoTime() - s0) / 1e9, file);
      if (!result.violations().isEmpty()) {
        System.out.println(result.report());
        failed.add("seed " + seed + ": " + result.violations().get(0));
      }
    }
    System.out.printf(
        "[model] %d seeds × %d steps in %.1f s, %d failed%n",
        SEEDS, STEPS, (System.nanoTime() - t0) / 1e9, failed.size());
    assertThat(failed).as("seeds with violations (step lists in %s)", out).isEmpty();
  }

  private SeedResult runSeed(long seed) {
    boolean[] up = new boolean[ModelCluster.REPLICAS];
    for (int i = 0; i < up.length; i++) {
      if (!cluster.alive(i)) {
        cluster.start(i);
      }
      up[i] = true;
    }
    History history = new History();
    ModelRun run = ModelRun.of(seed, SUBSCRIPTION);
    List<Step> steps = StepGenerator.generate(seed, STEPS, LEFT_OUT);
    ServiceDb db = new ServiceDb(cluster);
    List<Violation> violations = new ArrayList<>();
    Step drain = new Step(STEPS, Step.Kind.HANDLE, 0, 0);
    try (Actions actions = new Actions(run, cluster, history, up)) {
      actions.setUp();
      for (Step s : steps) {
        actions.run(s);
      }
      List<Violation> stranded = Drain.run(actions, history, db, drain, drainBound());
      violations.addAll(history.violations());
      violations.addAll(OrderingChecker.check(history, db.deliveries(run.subscription())));
      violations.addAll(stranded);
      actions.retire(drain);
    }
    return new SeedResult(seed, run, steps, drain, violations);
  }
}
