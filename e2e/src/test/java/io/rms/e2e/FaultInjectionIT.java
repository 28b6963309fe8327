package io.rms.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.e2e.Checker.Figures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The fault-injection scenarios (docs/reliability.md). Each sends messages through the producer
 * process, injects its fault into real processes or connections, heals, waits until the scenario is
 * quiet and checks I1–I3 from the producer's, the consumer's and the service's databases, then
 * prints its figures. They share one cluster ({@link Harness}); a scenario restarts what it kills.
 *
 * <p>{@code -De2e.scale=short} (CI) or {@code long}; {@code -De2e.scenarios=s01,s05} runs a subset.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionIT {
  private static final boolean LONG =
      "long".equalsIgnoreCase(System.getProperty("e2e.scale", "short"));

  /** Messages per load scenario. */
  private static final int N = Integer.getInteger("e2e.n", LONG ? 5000 : 300);

  /** Producer rate during load scenarios (messages/s). */
  private static final int RATE = Integer.getInteger("e2e.rate", LONG ? 250 : 100);

  /** Size of the released backlog. */
  private static final int BACKLOG = Integer.getInteger("e2e.backlog", LONG ? 35000 : 1500);

  private static final Duration QUIET = LONG ? Duration.ofMinutes(15) : Duration.ofMinutes(3);

  private Harness h;
  private Checker checker;
  private final List<Figures> all = new ArrayList<>();
  private Path figuresFile;
  private Instant suiteStart;

  /** When the running scenario began: after {@link #ensureHealthy()}, before its first step. */
  private Instant start;

  @BeforeAll
  void startCluster() throws IOException {
    String selected = System.getProperty("e2e.scenarios", "");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        selected.isBlank() || Stream.of(selected.split(",")).anyMatch(s -> s.matches("s\\d\\d")),
        "no fault-injection scenario selected (E2E_SCENARIOS)");
    suiteStart = Instant.now();
    Path work = Path.of(System.getProperty("e2e.workDir", "target/e2e-work"));
    Files.createDirectories(work);
    String[] cp = System.getProperty("e2e.appsClasspath").split(":");
    List<String> classpath = new ArrayList<>();
    classpath.add(cp[0]);
    classpath.addAll(Arrays.asList(Files.readString(Path.of(cp[1])).trim().split(":")));
    h = new Harness(work, classpath, Path.of(System.getProperty("e2e.serviceJar")));
    checker = new Checker(h);
    figuresFile = work.resolve("figures.md");
    Files.writeString(
        figuresFile,
        "scale="
            + (LONG ? "long" : "short")
            + " n="
            + N
            + " rate="
            + RATE
            + " backlog="
            + BACKLOG
            + " started "
            + suiteStart
            + "\n\n"
            + Report.HEADER,
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING);
    System.out.printf(
        "[e2e] cluster up in %.1f s%n",
        Duration.between(suiteStart, Instant.now()).toMillis() / 1e3);
  }

  @AfterAll
  void stopCluster() throws IOException {
    if (h == null) {
      return; // nothing selected, nothing started
    }
    try {
      all.sort(Comparator.comparing(Figures::scenario)); // s01 … s17, whatever ran when
      String total = Report.total(all, Duration.between(suiteStart, Instant.now()));
      System.out.println(
          Report.HEADER + all.stream().map(Report::row).collect(Collectors.joining()) + total);
      Files.writeString(figuresFile, total, StandardOpenOption.APPEND);
      for (Figures f : all) {
        Files.writeString(figuresFile, Report.details(f), StandardOpenOption.APPEND);
      }
    } finally {
      if (h != null) {
        h.close();
      }
    }
  }

  @BeforeEach
  void onlySelected(TestInfo info) {
    String selected = System.getProperty("e2e.scenarios", "");
    if (!selected.isBlank()) {
      String id = info.getDisplayName().substring(0, 3);
      org.junit.jupiter.api.Assumptions.assumeTrue(
          Set.of(selected.split(",")).contains(id), "not selected");
    }
    ensureHealthy();
    start = Instant.now();
  }

  // ---- scenarios ----------------------------------------------------------------------------

  @Test
  @Order(1)
  void s01ServiceKilledUnderLoadIncludingBetweenCommitAndPublish() {
    String sc = "s01-service-kill";
    produce(sc, N, RATE, 5, 0);
    awaitStarted(0.3);
    // publishes hang (no confirm arrives), so the kill lands between commit and publish for them
    h.mqProxies.freeze();
    sleep(1500);
    int unpublished = confirmedUnpublished(sc);
    Instant healed =
        fault(
            () -> {
              h.services[0].kill9();
              h.mqProxies.heal();
            },
            2000,
            () -> h.services[0].start(Duration.ofMinutes(3)));
    awaitProducerDone();
    finish(sc, start, healed, List.of("confirmed but unpublished at the kill: " + unpublished));
  }

  /**
   * A scenario that is one fault under plain load: {@link #N} messages at {@link #RATE} (every
   * fifth rolled back), {@code inject} once 30 % of them have started, {@code heal} {@code millis}
   * later.
   */
  record LoadFault(String sc, long millis, Consumer<Harness> inject, Consumer<Harness> heal) {
    @Override
    public String toString() {
      return sc;
    }
  }

  static Stream<LoadFault> loadFaults() {
    return Stream.of(
        // s02: the broker killed and restarted
        new LoadFault("s02-broker-kill", 3000, h -> h.rabbit.kill9(), h -> h.rabbit.start()),
        // s06: confirm responses lost and retried: prepares and confirms reach the service;
        // answers do not
        new LoadFault(
            "s06-response-lost", 4000, h -> h.apiProxy.dropResponses(), h -> h.apiProxy.heal()),
        // s07: the service's database restarted under load
        new LoadFault(
            "s07-db-restart", 3000, h -> h.servicePg.stopImmediate(), h -> h.servicePg.start()),
        // s09: the broker connections cut mid-publish
        new LoadFault("s09-mq-cut", 3000, h -> h.mqProxies.cut(), h -> h.mqProxies.heal()),
        // s12: the consumer stopped (SIGSTOP) for more than twice the ack timeout (5 s)
        new LoadFault(
            "s12-consumer-sigstop", 12_000, h -> h.consumer.pause(), h -> h.consumer.resume()));
  }

  /** s02, s06, s07, s09 and s12, one after the other in s02's place. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("loadFaults")
  @Order(2)
  void faultUnderLoad(LoadFault scenario) {
    produce(scenario.sc(), N, RATE, 5, 0);
    awaitStarted(0.3);
    Instant healed =
        fault(
            () -> scenario.inject().accept(h), scenario.millis(), () -> scenario.heal().accept(h));
    awaitProducerDone();
    finish(scenario.sc(), start, healed, List.of());
  }

  @Test
  @Order(3)
  void s03ProducerKilledBetweenPrepareAndConfirm() {
    String sc = "s03-producer-kill";
    hold(true); // confirms and cancels from here on die with the process
    produce(sc, N, 0, 2, 0); // half commit, half roll back
    awaitProducerDone();
    // and 8 transactions still open (prepared, never committed) when the process dies
    h.producerCall(
        "POST",
        "/e2e/produce?scenario="
            + sc
            + "-open&n=8&threads=8&rollbackEvery=1"
            + "&hangMillis=600000");
    sleep(2000);
    h.producer.kill9();
    sleep(1000);
    h.producer.start(Duration.ofMinutes(2));
    Instant healed = Instant.now();
    Figures f = finish(sc, start, healed, List.of());
    assertThat(f.committed()).isGreaterThan(0);
    assertThat(f.rolledBack()).isGreaterThanOrEqualTo(8);
  }

  @Test
  @Order(4)
  void s04ConsumerKilledAfterEffectBeforeAck() {
    String sc = "s04-consumer-kill";
    h.consumerApiProxy.freeze(); // acks (and nacks) hang: effects commit, acks never arrive
    produce(sc, N, RATE, 5, 0);
    awaitStarted(0.5);
    long effects = waitForEffects(sc, Math.max(1, N / 5));
    h.consumer.kill9();
    h.consumerApiProxy.heal();
    awaitProducerDone();
    h.consumer.start(Duration.ofMinutes(2));
    Instant healed = Instant.now();
    finish(sc, start, healed, List.of("effects committed before the kill, unacked: " + effects));
  }

  @Test
  @Order(5)
  void s05PoisonMessageGoesDeadWhileOthersFlow() {
    String sc = "s05-poison";
    produce(sc, N, RATE, 5, Math.max(10, N / 10)); // poison: i % (N/10) == 0
    awaitProducerDone();
    Figures f = finish(sc, start, null, List.of());
    assertThat(f.dead()).isGreaterThan(0);
  }

  @Test
  @Order(8)
  void s08BrokerMemoryAlarmBlocksPublishers() {
    String sc = "s08-memory-alarm";
    h.rabbit.memoryAlarm(true); // raised and confirmed before the load: every publish is blocked
    produce(sc, N, RATE, 5, 0);
    sleep(8000);
    Instant healed = Instant.now(); // the clear command is issued now; rabbitmqctl takes seconds
    h.rabbit.memoryAlarm(false);
    awaitProducerDone();
    finish(sc, start, healed, List.of());
  }

  @Test
  @Order(10)
  void s10CheckBackUnknownThenCommitAndLateConfirmAfterRollback() {
    String sc = "s10-check-back";
    int n = 20; // one thread and one connection each, all open at once: semantics, not volume
    hold(true);
    // open longer than check-back.after: UNKNOWN while open, COMMIT once committed
    h.producerCall(
        "POST",
        "/e2e/produce?scenario="
            + sc
            + "-commit&n="
            + n
            + "&threads="
            + n
            + "&hangMillis=12000&hangCommitsToo=true");
    awaitProducerDone();
    // rolled back with the cancel lost: check-back answers ROLLBACK
    h.producerCall(
        "POST", "/e2e/produce?scenario=" + sc + "-rollback&n=" + n + "&threads=4&rollbackEvery=1");
    awaitProducerDone();
    hold(false);
    Figures first = finish(sc, start, Instant.now(), List.of(), false);
    // every committed one was answered UNKNOWN at least once, then COMMIT
    int unknownThenCommit = 0;
    int committedByCheckBack = 0;
    int conflicts = 0;
    for (String id : messageIds(sc + "-commit-%")) {
      List<String> decisions = checkBackDecisions(id);
      if (!decisions.isEmpty() && decisions.get(decisions.size() - 1).equals("COMMIT")) {
        committedByCheckBack++;
        if (decisions.contains("UNKNOWN")) {
          unknownThenCommit++;
        }
      }
    }
    // a late confirm after the ROLLBACK decision: 409, recorded, state unchanged
    for (String id : messageIds(sc + "-rollback-%")) {
      Harness.Answer a =
          h.api("POST", "/api/v1/messages/" + id + "/confirm", Harness.PRODUCER_KEY, null);
      assertThat(a.status()).as("late confirm of %s", id).isEqualTo(409);
      JsonNode m = h.api("GET", "/api/v1/messages/" + id, Harness.PRODUCER_KEY, null).json();
      assertThat(m.get("status").asString()).isEqualTo("CANCELLED");
      boolean recorded = false;
      for (JsonNode e : m.get("events")) {
        recorded |= "CONFLICT".equals(e.get("type").asString());
      }
      assertThat(recorded).as("CONFLICT event of %s", id).isTrue();
      conflicts++;
    }
    Figures f =
        finish(
            sc,
            start,
            null,
            List.of(
                "committed by check-back: "
                    + committedByCheckBack
                    + "/"
                    + n
                    + ", of which answered UNKNOWN first (transaction still open): "
                    + unknownThenCommit,
                "late confirms after ROLLBACK → 409 + CONFLICT event: " + conflicts + "/" + n));
    assertThat(first.committed()).as("committed in the first run").isEqualTo(n);
    assertThat(committedByCheckBack).isEqualTo(n);
    assertThat(unknownThenCommit).isPositive();
    assertThat(conflicts).isEqualTo(n);
    assertThat(first.violations()).isEmpty();
    assertThat(f.violations()).isEmpty();
    all.remove(first);
  }

  @Test
  @Order(11)
  void s11CheckBackEndpointDownThenSlow() {
    String sc = "s11-check-back-down";
    hold(true);
    h.checkBackProxy.cut();
    produce(sc, N, RATE, 2, 0);
    awaitProducerDone();
    sleep(5000);
    // longer than the service's read timeout (2 s)
    Instant healed = fault(() -> h.checkBackProxy.slow(2500), 6000, h.checkBackProxy::heal);
    hold(false);
    finish(sc, start, healed, List.of());
  }

  @Test
  @Order(13)
  void s13ThreeInstancesRacingOneStoppedPastItsClaim() {
    String sc = "s13-three-instances";
    Thread second = new Thread(() -> h.services[1].start(Duration.ofMinutes(4)));
    second.start();
    h.services[2].start(Duration.ofMinutes(4));
    join(second);
    try {
      hold(true); // every message needs a check-back: the check-back sweep races too
      h.consumer.pause(); // every delivery times out: the redelivery sweep races too
      produce(sc, N, RATE, 3, 0);
      awaitStarted(0.5);
      List<String> before = sweepWork(-1);
      Instant stopped = Instant.now();
      h.services[1].pause();
      String stalls;
      try (StallWatch watch = new StallWatch(h.managementPorts[0], h.managementPorts[2])) {
        sleep(10_000); // two ack timeouts
        h.consumer.resume();
        sleep(10_000); // service-2 stays stopped past its claims' lease (15 s)
        stalls = watch.toString();
      }
      List<String> during = sweepWork(1);
      Instant healed = Instant.now();
      h.services[1].resume();
      awaitProducerDone();
      hold(false);
      Figures f = finish(sc, start, healed, List.of(), false);
      all.remove(f);
      finish(
          sc,
          start,
          healed,
          List.of(
              "sweep runs/items per instance before service-2 was stopped: "
                  + String.join("; ", before),
              "... and when service-2 was resumed "
                  + Duration.between(stopped, healed).toSeconds()
                  + " s later: "
                  + String.join("; ", during),
              "while service-2 was stopped, the longest time without a run on service-1 or"
                  + " service-3: "
                  + stalls));
    } finally {
      h.services[1].resume();
      h.services[1].stop();
      h.services[2].stop();
    }
  }

  @Test
  @Order(14)
  void s14BacklogReleasedAtOnceStaysUnderCaps() {
    String sc = "s14-backlog";
    int cap = 250; // rms.recovery.batch-size = max-in-flight, per run; one run per 1 s interval
    // republish backlog: the broker is unreachable while the messages are confirmed
    h.mqProxies.cut();
    h.producerCall("POST", "/e2e/produce?scenario=" + sc + "-pub&n=" + BACKLOG + "&threads=16");
    awaitProducerDone();
    // every message confirmed (by the producer or by check-back) before the release: what drains
    // then is the sweep's backlog, not confirms of new traffic published at once
    awaitNoPrepared(sc + "-pub-%");
    sleep(3000);
    Release pub = release("redelivery", h.mqProxies::heal, sc + "-pub", start);
    Rates received = effects(sc + "-pub-%", pub.at());
    // check-back backlog: the producer's endpoint is unreachable and its confirms are lost
    Instant start2 = Instant.now();
    hold(true);
    h.checkBackProxy.cut();
    int cb = Math.max(200, BACKLOG / 5);
    h.producerCall(
        "POST", "/e2e/produce?scenario=" + sc + "-cb&n=" + cb + "&threads=16&rollbackEvery=4");
    awaitProducerDone();
    hold(false);
    sleep(3000);
    Release checks = release("check-back", h.checkBackProxy::heal, sc + "-cb", start2);
    Rates decisions =
        rate(
            "select e.at from message_event e join message m on m.id = e.message_id"
                + " where m.business_key like '"
                + sc
                + "-cb-%' and e.type = 'CHECK_BACK'"
                + " and e.detail->>'decision' in ('COMMIT', 'ROLLBACK') and e.at >= ?",
            checks.at());
    all.remove(pub.figures());
    all.remove(checks.figures());
    Figures f =
        finish(
            sc,
            start,
            pub.at(),
            List.of(
                "republish backlog " + BACKLOG + ", redelivery sweep: " + pub.drain(),
                "republish backlog, received by the consumer: " + received,
                "check-back backlog " + cb + ", check-back sweep: " + checks.drain(),
                "check-back backlog, decisions recorded: " + decisions,
                "cap: " + cap + " per run, one run per 1 s interval"));
    assertThat(pub.figures().violations()).isEmpty();
    assertThat(checks.figures().violations()).isEmpty();
    assertThat(f.violations()).isEmpty();
    // a run claims at most `cap` overdue and `cap` due deliveries, or `cap` PREPARED messages
    assertThat(pub.drain().maxPerRun()).isLessThanOrEqualTo(2 * cap);
    assertThat(checks.drain().maxPerRun()).isLessThanOrEqualTo(cap);
    // and runs come once per 1 s interval (n runs span n - 1 intervals), so the drain stays
    // under `cap` per second
    assertThat(pub.drain().runsPerInterval()).isLessThanOrEqualTo(1.1);
    assertThat(checks.drain().runsPerInterval()).isLessThanOrEqualTo(1.1);
  }

  @Test
  @Order(15)
  void s15QueueLeaderNodeKilledUnderLoad() {
    String sc = "s15-leader-kill";
    String queue = Harness.SUBSCRIPTION_QUEUE;
    int size = h.rabbit.nodes.size();
    RabbitCluster.QueueState before =
        h.rabbit.awaitQueue(
            queue, q -> !q.leader().isEmpty() && q.online().size() == size, Duration.ofMinutes(2));
    Rabbit leader = h.rabbit.node(before.leader());
    // twice the messages at half the rate: the load runs on through the failover
    produce(sc, 2 * N, Math.max(1, RATE / 2), 5, 0);
    awaitStarted(0.2);
    int connections = h.rabbit.connectionsOn(leader);
    Instant killed = Instant.now();
    leader.kill9();
    RabbitCluster.QueueState during =
        h.rabbit.awaitQueue(
            queue,
            q -> !q.leader().isEmpty() && !q.leader().equals(before.leader()),
            Duration.ofMinutes(2));
    Instant takenOver = Instant.now();
    sleep(5000); // the load runs on with the new leader and one member down
    Instant restarting = Instant.now();
    leader.start();
    Instant healed = Instant.now();
    RabbitCluster.QueueState after =
        h.rabbit.awaitQueue(queue, q -> q.online().size() == size, Duration.ofMinutes(2));
    awaitProducerDone();
    Figures f =
        finish(
            sc,
            start,
            healed,
            List.of(
                "queue "
                    + queue
                    + ": leader "
                    + before.leader()
                    + " (node "
                    + (h.rabbit.nodes.indexOf(leader) + 1)
                    + " of "
                    + size
                    + ", serving "
                    + connections
                    + " client connections) killed",
                "new leader "
                    + during.leader()
                    + " first reported "
                    + Duration.between(killed, takenOver).toMillis()
                    + " ms after the kill (rabbitmqctl polled; one call takes seconds here)",
                "node down "
                    + Duration.between(killed, healed).toMillis()
                    + " ms (its restart took "
                    + Duration.between(restarting, healed).toMillis()
                    + " ms); then leader "
                    + after.leader()
                    + ", online "
                    + after.online(),
                "sent while the node was down: " + sentBetween(sc, killed, healed),
                "longest time without a new effect at the consumer: "
                    + longestEffectGap(sc)
                    + " ms"));
    assertThat(during.leader()).isNotEqualTo(before.leader());
    assertThat(during.members()).contains(during.leader());
    assertThat(after.online()).contains(before.leader());
    assertThat(f.committed()).isPositive();
  }

  @Test
  @Order(16)
  void s16OrderedKeysThroughAServiceKillAndABrokerRestart() {
    String sc = "s16-ordered";
    int keys = 7;
    // an ordered subscription: 7 keys, every fifth business transaction rolled back (its
    // message cancelled, which must release the next one of its key)
    produce(sc, N, RATE, 5, 0, keys);
    awaitStarted(0.25);
    fault(h.services[0]::kill9, 2000, () -> h.services[0].start(Duration.ofMinutes(3)));
    awaitStarted(0.6);
    Instant healed = fault(h.rabbit::kill9, 3000, h.rabbit::start);
    awaitProducerDone();
    Figures f = finish(sc, start, healed, List.of());
    Checker.Ordering ordering = checker.ordering(sc);
    String line =
        "ordering (consumer's database): "
            + ordering.applied()
            + " messages over "
            + ordering.keys()
            + " keys applied, "
            + ordering.pairs()
            + " consecutive pairs within a key compared, "
            + ordering.inversions()
            + " inversions of x-rms-sequence within a key";
    System.out.println(line);
    try {
      Files.writeString(figuresFile, "\n" + sc + " " + line + "\n", StandardOpenOption.APPEND);
    } catch (IOException ignored) {
      // printed anyway
    }
    assertThat(ordering.applied()).isEqualTo(f.delivered());
    assertThat(ordering.keys()).isBetween(1, keys);
    assertThat(ordering.pairs()).as("keys with more than one message").isPositive();
    assertThat(ordering.inversions()).as(line).isZero();
  }

  /**
   * s17: the service's database is a three-node Patroni cluster with synchronous replication
   * (docs/deploy.md); two service instances (and so the Quartz cluster) reach it by a multi-host
   * URL. Under load the primary's postmaster gets {@code kill -9}; Patroni promotes the synchronous
   * standby. Then, with replication switched to asynchronous, a confirmed message is shown lost.
   */
  @Test
  @Order(17)
  void s17PostgresFailoverUnderLoadThenAsynchronousLoss() {
    String sc = "s17-postgres-failover";
    JavaApp[] regular = {h.services[0], h.services[1]};
    try (PatroniCluster pg = new PatroniCluster(h.base, h.logs)) {
      pg.start(Duration.ofMinutes(2));
      pg.createDatabase("rms");
      Instant clusterUp = Instant.now();
      h.services[0].kill9(); // instance 1 runs on the Patroni cluster from here on
      for (int i = 0; i < 2; i++) {
        h.services[i] = h.serviceOn(i, pg.jdbcUrl("rms"));
      }
      // one after the other: two instances starting at once on an empty database race to
      // insert the registry's apps, and one fails on the primary key
      h.services[0].start(Duration.ofMinutes(4));
      h.services[1].start(Duration.ofMinutes(4));
      Instant servicesUp = Instant.now();
      Checker onPatroni = new Checker(h, pg::connect);

      PatroniNode old = pg.leader().orElseThrow();
      produce(sc, 2 * N, Math.max(1, RATE / 2), 5, 0);
      awaitStarted(0.3);
      double runsBefore = sweepRuns(2);
      Instant killed = Instant.now();
      long postmaster = old.killPostmaster();
      PatroniNode promoted = pg.awaitLeader(n -> n != old, Duration.ofMinutes(1));
      Instant promotedAt = Instant.now();
      int orphans = old.killOrphansAfter(Duration.ofSeconds(10));
      if (orphans > 0) {
        System.out.printf(
            "[e2e] %s: %d process(es) of the killed postmaster still alive after 10 s, killed%n",
            sc, orphans);
      }
      awaitProducerDone();
      Figures quiet = finish(onPatroni, sc, start, promotedAt, List.of(), false);
      all.remove(quiet);
      pg.awaitHealthy(true, Duration.ofMinutes(2)); // the old primary back, rewound
      Instant rejoined = Instant.now();
      FailoverFigures.WritePause pause = FailoverFigures.writePause(pg::connect, sc);
      List<Instant> checkIns =
          FailoverFigures.awaitQuartzCheckIns(pg::connect, 2, killed, Duration.ofSeconds(30));
      long erroredTriggers =
          FailoverFigures.count(
              pg::connect, "select count(*) from qrtz_triggers where trigger_state = ?", "ERROR");
      long byCheckBack =
          FailoverFigures.count(
              pg::connect,
              "select count(*) from message where business_key like ? and check_count > 0"
                  + " and status in ('CONFIRMED', 'DELIVERED')",
              sc + "-%");
      double runsAfter = sweepRuns(2);
      Figures f =
          finish(
              onPatroni,
              sc,
              start,
              promotedAt,
              List.of(
                  "Patroni cluster (etcd + 3 nodes, synchronous_mode_strict) up in "
                      + Duration.between(start, clusterUp).toMillis()
                      + " ms, two service instances on it ready "
                      + Duration.between(clusterUp, servicesUp).toMillis()
                      + " ms later",
                  "primary "
                      + old.name
                      + " (postmaster "
                      + postmaster
                      + ") killed at 30 % of the load; "
                      + promoted.name
                      + " promoted and writable "
                      + Duration.between(killed, promotedAt).toMillis()
                      + " ms after the kill; "
                      + old.name
                      + " streaming again as a replica "
                      + Duration.between(killed, rejoined).toMillis()
                      + " ms after it",
                  "write pause (longest time without a successful confirm,"
                      + " message.confirmed_at): "
                      + pause.length().toMillis()
                      + " ms, from "
                      + Duration.between(pause.from(), killed).toMillis()
                      + " ms before the kill to "
                      + Duration.between(killed, pause.to()).toMillis()
                      + " ms after it; "
                      + byCheckBack
                      + " messages confirmed after a check-back",
                  "Quartz: "
                      + checkIns.size()
                      + " members checked in on the new primary after the kill; redelivery"
                      + " sweep runs on the two instances "
                      + (long) runsBefore
                      + " at the kill, "
                      + (long) runsAfter
                      + " at the end; triggers in state ERROR: "
                      + erroredTriggers));
      assertThat(promoted).isNotSameAs(old);
      assertThat(pause.to()).isAfter(killed);
      assertThat(checkIns).hasSize(2).allMatch(at -> at.isAfter(killed));
      assertThat(runsAfter).isGreaterThan(runsBefore);
      assertThat(erroredTriggers).isZero();
      assertThat(f.committed()).isPositive();
      asynchronousReplicationLosesAConfirmedMessage(pg, onPatroni, sc + "-async");
    } finally {
      for (int i = 0; i < 2; i++) {
        if (h.services[i] != regular[i] && h.services[i].alive()) {
          h.services[i].kill9();
        }
        h.services[i] = regular[i];
      }
    }
  }

  /**
   * The second half of s17, deterministic: replication switched to asynchronous, the primary's WAL
   * senders stopped (the replicas fall behind), the broker cut (confirmed messages wait for their
   * publish, as the latest ones do under load), a few messages sent and confirmed, then the primary
   * crashed. Patroni promotes a replica that never saw them; their producers committed and had
   * their confirms answered, and the service no longer knows them: lost.
   */
  private void asynchronousReplicationLosesAConfirmedMessage(
      PatroniCluster pg, Checker onPatroni, String sc) {
    Instant begun = Instant.now();
    pg.synchronous(false);
    PatroniNode primary = pg.leader().orElseThrow();
    h.mqProxies.cut();
    List<Long> senders = pg.stopWalSenders(primary);
    produce(sc, 20, 0, 0, 0);
    awaitProducerDone();
    long committed =
        h.appsPg.count("producer", "select count(*) from business where key like ?", sc + "-%");
    String confirmedSql =
        "select count(*) from message where business_key like ? and status = 'CONFIRMED'";
    poll(
        Duration.ofSeconds(30),
        200,
        () -> FailoverFigures.count(pg::connect, confirmedSql, sc + "-%") >= committed);
    long confirmed = FailoverFigures.count(pg::connect, confirmedSql, sc + "-%");
    Instant crashed = Instant.now();
    primary.crash();
    PatroniNode promoted = pg.awaitLeader(n -> n != primary, Duration.ofMinutes(1));
    Instant promotedAt = Instant.now();
    h.mqProxies.heal();
    long known =
        FailoverFigures.count(
            pg::connect, "select count(*) from message where business_key like ?", sc + "-%");
    // longer than check-back.after and publish-grace: nothing brings them back
    Figures f =
        onPatroni.await(
            sc,
            begun,
            promotedAt,
            Duration.ofSeconds(15),
            List.of(
                "asynchronous replication: WAL senders "
                    + senders
                    + " of "
                    + primary.name
                    + " stopped, "
                    + committed
                    + " committed, "
                    + confirmed
                    + " CONFIRMED at the primary; primary crashed, "
                    + promoted.name
                    + " promoted "
                    + Duration.between(crashed, promotedAt).toMillis()
                    + " ms later; it knows "
                    + known
                    + " of them"));
    String row =
        Report.row(f)
            + "  - "
            + sc
            + ": "
            + String.join("; ", f.notes())
            + "\n  - "
            + f.violations().size()
            + " violations (expected here)"
            + f.violations().stream().findFirst().map(v -> ", e.g. " + v).orElse("")
            + "\n";
    System.out.print(Report.HEADER + row);
    try {
      Files.writeString(
          figuresFile,
          "\n" + sc + " (a demonstration, not counted in the total):\n" + row,
          StandardOpenOption.APPEND);
    } catch (IOException ignored) {
      // printed anyway
    }
    assertThat(committed).isPositive();
    assertThat(confirmed).isEqualTo(committed);
    assertThat(known).isZero();
    assertThat(f.lost()).isEqualTo((int) committed);
  }

  /** Runs of the redelivery sweep on the first {@code instances} instances (since their start). */
  private double sweepRuns(int instances) {
    double runs = 0;
    for (int i = 0; i < instances; i++) {
      runs += Math.max(0, SweepSampler.once(h.managementPorts[i], "redelivery").runs());
    }
    return runs;
  }

  @Test
  @Order(18)
  void s18ConsumerBugLosesEffectsAndAReplayRestoresThem() {
    new ReplayScenario(h, figuresFile, N, RATE, QUIET)
        .run((sc, healed, notes) -> finish(sc, start, healed, notes));
  }

  /** Messages of a pull scenario: the short run keeps them few (the consumers run in this JVM). */
  private static final int PULL_N = Math.min(N, 200);

  @Test
  @Order(19)
  void s19PullConsumerKilledMidLeaseItsDeliveriesComeBackAfterTheLease() {
    String sc = "s19-pull-lease-expiry";
    int lease = 5;
    List<PullConsumer.Lease> log = Collections.synchronizedList(new ArrayList<>());
    PullConsumer.createInbox(h);
    try (PullConsumer first = pullConsumer("pull-a", 0, Harness.PULL_SUBSCRIPTION, lease, log);
        PullConsumer second = pullConsumer("pull-b", 0, Harness.PULL_SUBSCRIPTION, lease, log)) {
      produce(sc, PULL_N, RATE, 5, 0, 0, Harness.PULL_TOPIC);
      first.start(2);
      awaitStarted(0.3);
      waitForEffects(sc, PULL_N / 10);
      first.killMidLease(); // each thread dies holding a batch: half applied, none acked
      Instant killed = Instant.now();
      Set<String> abandoned = Set.copyOf(first.abandoned());
      second.start(2);
      awaitProducerDone();
      Figures f = finish(sc, start, killed, List.of());
      List<String> twice = PullConsumer.heldTwice(log);
      long back = comeBackAfterTheirLease(log, abandoned);
      note(
          sc,
          "leases "
              + log.size()
              + ", held by the killed consumer's threads and never acked: "
              + abandoned.size()
              + ", leased again after their lease expired: "
              + back
              + ", held twice at once: "
              + twice.size());
      assertThat(abandoned).as("the kill caught leases").isNotEmpty();
      assertThat(back).isEqualTo(abandoned.size());
      assertThat(twice).isEmpty();
      assertThat(f.committed()).isPositive();
    }
  }

  /** How many of {@code abandoned} were leased again, at a later attempt, after expiring. */
  private static long comeBackAfterTheirLease(List<PullConsumer.Lease> log, Set<String> abandoned) {
    List<PullConsumer.Lease> all;
    synchronized (log) {
      all = new ArrayList<>(log);
    }
    return abandoned.stream()
        .filter(
            id -> {
              List<PullConsumer.Lease> leases =
                  all.stream()
                      .filter(l -> l.messageId().equals(id))
                      .sorted(Comparator.comparingInt(PullConsumer.Lease::attempt))
                      .toList();
              return leases.size() >= 2
                  && leases.get(1).attempt() > leases.get(0).attempt()
                  && !leases.get(1).at().isBefore(leases.get(0).expires());
            })
        .count();
  }

  @Test
  @Order(20)
  void s20TwoPullConsumersOnTwoReplicasNeverHoldADeliveryTwice() {
    String sc = "s20-pull-two-replicas";
    h.services[1].start(Duration.ofMinutes(4));
    List<PullConsumer.Lease> log = Collections.synchronizedList(new ArrayList<>());
    PullConsumer.createInbox(h);
    try (PullConsumer one = pullConsumer("pull-1", 0, Harness.PULL_SUBSCRIPTION, 30, log);
        PullConsumer two = pullConsumer("pull-2", 1, Harness.PULL_SUBSCRIPTION, 30, log)) {
      // service-2's consumer first: the producer confirms through service-1, whose own waiting
      // polls are woken at once, so with both waiting from the start service-1's consumer could
      // take every delivery and leave the other replica's retry nothing to compete for
      two.start(3);
      produce(sc, PULL_N, RATE, 5, 0, 0, Harness.PULL_TOPIC);
      long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (two.applied() < PULL_N / 20 && System.nanoTime() < until) {
        sleep(50);
      }
      one.start(3);
      awaitProducerDone();
      Figures f = finish(sc, start, null, List.of());
      List<String> twice = PullConsumer.heldTwice(log);
      long again;
      synchronized (log) {
        again = log.stream().filter(l -> l.attempt() > 1).count();
      }
      note(
          sc,
          "leases "
              + log.size()
              + " (service-1's consumer applied "
              + one.applied()
              + ", service-2's "
              + two.applied()
              + "), leased more than once: "
              + again
              + ", held twice at once: "
              + twice.size());
      assertThat(twice).isEmpty();
      assertThat(again).as("no lease expired, none was leased twice").isZero();
      assertThat(one.applied()).isPositive();
      assertThat(two.applied()).isPositive();
      assertThat(one.applied() + two.applied()).isEqualTo(f.delivered());
    } finally {
      h.services[1].stop();
    }
  }

  @Test
  @Order(21)
  void s21OrderedPullThroughAKilledConsumerHasNoInversions() {
    String sc = "s21-pull-ordered";
    int keys = 7;
    List<PullConsumer.Lease> log = Collections.synchronizedList(new ArrayList<>());
    PullConsumer.createInbox(h);
    try (PullConsumer first =
            pullConsumer("pull-ordered-a", 0, Harness.PULL_ORDERED_SUBSCRIPTION, 5, log);
        PullConsumer second =
            pullConsumer("pull-ordered-b", 0, Harness.PULL_ORDERED_SUBSCRIPTION, 5, log)) {
      produce(sc, PULL_N, RATE, 5, 0, keys, Harness.PULL_ORDERED_TOPIC);
      first.start(2);
      second.start(2);
      awaitStarted(0.4);
      waitForEffects(sc, PULL_N / 10);
      first
          .killMidLease(); // the heads it held come back after their lease, before their keys go on
      Instant killed = Instant.now();
      awaitProducerDone();
      Figures f = finish(sc, start, killed, List.of());
      Checker.Ordering ordering = checker.ordering(sc);
      String line =
          "ordering (consumer's database): "
              + ordering.applied()
              + " messages over "
              + ordering.keys()
              + " keys applied, "
              + ordering.pairs()
              + " consecutive pairs within a key compared, "
              + ordering.inversions()
              + " inversions of the pulled sequence within a key; leases abandoned by the kill: "
              + first.abandoned().size();
      note(sc, line);
      assertThat(ordering.applied()).isEqualTo(f.delivered());
      assertThat(ordering.pairs()).as("keys with more than one message").isPositive();
      assertThat(ordering.inversions()).as(line).isZero();
      assertThat(PullConsumer.heldTwice(log)).isEmpty();
    }
  }

  private PullConsumer pullConsumer(
      String name,
      int service,
      String subscription,
      int leaseSeconds,
      List<PullConsumer.Lease> log) {
    return new PullConsumer(h, name, h.servicePorts[service], subscription, 5, leaseSeconds, log);
  }

  /** Prints a scenario's line and appends it to the figures file. */
  private void note(String sc, String line) {
    System.out.println(sc + " " + line);
    try {
      Files.writeString(figuresFile, "\n" + sc + " " + line + "\n", StandardOpenOption.APPEND);
    } catch (IOException ignored) {
      // printed anyway
    }
  }

  @Test
  @Order(22)
  void s22PushReceiverDownOpensTheCircuitPausesAndLosesNothing() {
    new PushScenarios(h, figuresFile, LONG).receiverDown();
  }

  @Test
  @Order(23)
  void s23PushReceiverAnswers429WithRetryAfter() {
    new PushScenarios(h, figuresFile, LONG).retryAfter();
  }

  @Test
  @Order(24)
  void s24PushSlowReceiverAtTheConcurrencyCap() {
    new PushScenarios(h, figuresFile, LONG).slowReceiver();
  }

  @Test
  @Order(25)
  void s25PushOrderedWithNoInversions() {
    new PushScenarios(h, figuresFile, LONG).ordered();
  }

  /** Business transactions of a scenario the producer started between two instants. */
  private long sentBetween(String sc, Instant from, Instant to) {
    return h.appsPg.count(
        "producer",
        "select count(*) from attempt where key like ? and at >= ? and at < ?",
        sc + "-%",
        from,
        to);
  }

  /** When the consumer first applied each of the keys {@code like}, in order. */
  private List<Instant> firstEffects(String like) {
    return h.appsPg.query(
        "consumer",
        "select min(at) from effect where key like ? group by key order by 1",
        Postgres.INSTANT,
        like);
  }

  /** The longest time between two consecutive first effects of a scenario's keys. */
  private long longestEffectGap(String sc) {
    long longest = 0;
    Instant previous = null;
    for (Instant at : firstEffects(sc + "-%")) {
      if (previous != null) {
        longest = Math.max(longest, Duration.between(previous, at).toMillis());
      }
      previous = at;
    }
    return longest;
  }

  private void awaitNoPrepared(String likeKey) {
    if (!poll(
        QUIET,
        500,
        () ->
            h.servicePg.count(
                    "rms",
                    "select count(*) from message where business_key like ? and status = 'PREPARED'",
                    likeKey)
                == 0)) {
      throw new IllegalStateException("messages still PREPARED: " + likeKey);
    }
  }

  /** Effects of a scenario's keys at the consumer after {@code from}. */
  private Rates effects(String likeKey, Instant from) {
    List<Instant> times = new ArrayList<>(firstEffects(likeKey));
    times.removeIf(at -> at.isBefore(from));
    return rates(times);
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** Runs and items of both sweeps on each running instance but {@code skip} (since its start). */
  private List<String> sweepWork(int skip) {
    List<String> work = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      if (i == skip || !h.services[i].alive()) {
        continue;
      }
      SweepSampler.Sample redelivery = SweepSampler.once(h.managementPorts[i], "redelivery");
      SweepSampler.Sample checkBack = SweepSampler.once(h.managementPorts[i], "check-back");
      work.add(
          String.format(
              Locale.ROOT,
              "service-%d redelivery %.0f/%.0f, check-back %.0f/%.0f",
              i + 1,
              redelivery.runs(),
              redelivery.items(),
              checkBack.runs(),
              checkBack.items()));
    }
    return work;
  }

  /**
   * Watches the sweeps' runs on some instances: the longest time in which none of them ran a sweep
   * (e.g. because a stopped instance holds it in the clustered job store).
   */
  private static final class StallWatch implements AutoCloseable {
    private final int[] ports;
    private final Thread thread;
    private final long[] longest = new long[2];
    private volatile boolean stop;

    StallWatch(int... ports) {
      this.ports = ports;
      this.thread = new Thread(this::loop, "stall-watch");
      thread.setDaemon(true);
      thread.start();
    }

    private void loop() {
      String[] sweeps = {"redelivery", "check-back"};
      double[] last = {-1, -1};
      long[] since = {System.currentTimeMillis(), System.currentTimeMillis()};
      while (!stop) {
        for (int k = 0; k < 2; k++) {
          double runs = 0;
          for (int port : ports) {
            runs += SweepSampler.once(port, sweeps[k]).runs();
          }
          long now = System.currentTimeMillis();
          if (runs != last[k]) {
            last[k] = runs;
            since[k] = now;
          }
          longest[k] = Math.max(longest[k], now - since[k]);
        }
        Harness.sleep(200);
      }
    }

    @Override
    public String toString() {
      return "redelivery " + longest[0] + " ms, check-back " + longest[1] + " ms";
    }

    @Override
    public void close() {
      stop = true;
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Publishes or check-backs over time: the overall average, the busiest second and the busiest 5
   * seconds (timestamps are those of the batched bookkeeping, so one second can hold two runs).
   */
  record Rates(int count, double seconds, int maxPerSecond, int maxPer5Seconds) {
    double average() {
      return seconds <= 0 ? count : count / seconds;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%d in %.1f s, average %.0f/s, busiest second %d, busiest 5 s %d",
          count,
          seconds,
          average(),
          maxPerSecond,
          maxPer5Seconds);
    }
  }

  private static Rates rates(List<Instant> times) {
    if (times.isEmpty()) {
      return new Rates(0, 0, 0, 0);
    }
    times.sort(null);
    Instant first = times.get(0);
    Instant last = times.get(times.size() - 1);
    return new Rates(
        times.size(),
        Duration.between(first, last).toMillis() / 1000.0,
        busiest(times, 1000),
        busiest(times, 5000));
  }

  private static int busiest(List<Instant> times, long windowMillis) {
    int max = 0;
    int lo = 0;
    for (int hi = 0; hi < times.size(); hi++) {
      while (Duration.between(times.get(lo), times.get(hi)).toMillis() >= windowMillis) {
        lo++;
      }
      max = Math.max(max, hi - lo + 1);
    }
    return max;
  }

  private Rates rate(String sql, Instant from) {
    return rates(h.servicePg.query("rms", sql, Postgres.INSTANT, from));
  }

  private void produce(String scenario, int n, int rate, int rollbackEvery, int poisonEvery) {
    produce(scenario, n, rate, rollbackEvery, poisonEvery, 0);
  }

  private void produce(
      String scenario, int n, int rate, int rollbackEvery, int poisonEvery, int orderedKeys) {
    produce(scenario, n, rate, rollbackEvery, poisonEvery, orderedKeys, null);
  }

  private void produce(
      String scenario,
      int n,
      int rate,
      int rollbackEvery,
      int poisonEvery,
      int orderedKeys,
      String topic) {
    Harness.Answer a =
        h.producerCall(
            "POST",
            "/e2e/produce?scenario="
                + scenario
                + "&n="
                + n
                + "&rate="
                + rate
                + "&rollbackEvery="
                + rollbackEvery
                + "&poisonEvery="
                + poisonEvery
                + "&orderedKeys="
                + orderedKeys
                + (topic == null ? "" : "&topic=" + topic)
                + "&threads=8");
    assertThat(a.status()).as(a.body()).isEqualTo(200);
  }

  private void hold(boolean on) {
    assertThat(h.producerCall("POST", "/e2e/hold?on=" + on).status()).isEqualTo(200);
  }

  /** Asks {@code done} every {@code everyMillis} until it says yes (true) or {@code timeout}. */
  private static boolean poll(Duration timeout, long everyMillis, BooleanSupplier done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (done.getAsBoolean()) {
        return true;
      }
      sleep(everyMillis);
    }
    return false;
  }

  private void awaitStarted(double fraction) {
    if (!poll(
        Duration.ofMinutes(5),
        100,
        () -> {
          JsonNode s = h.producerCall("GET", "/e2e/status").json();
          return s.get("done").asBoolean()
              || s.get("started").asInt() >= fraction * s.get("n").asInt();
        })) {
      throw new IllegalStateException("producer did not get going");
    }
  }

  private void awaitProducerDone() {
    if (!poll(
        LONG ? Duration.ofMinutes(20) : Duration.ofMinutes(4),
        250,
        () -> h.producerCall("GET", "/e2e/status").json().get("done").asBoolean())) {
      throw new IllegalStateException("producer run did not finish");
    }
  }

  /** Waits up to 3 minutes for {@code atLeast} effects of a scenario; the effects there are. */
  private long waitForEffects(String sc, int atLeast) {
    long[] count = {0};
    poll(
        Duration.ofMinutes(3),
        200,
        () -> {
          count[0] =
              h.appsPg.count("consumer", "select count(*) from effect where key like ?", sc + "-%");
          return count[0] >= atLeast;
        });
    return count[0];
  }

  /** Deliveries of a scenario never published; -1 if the service's database does not answer. */
  private int confirmedUnpublished(String sc) {
    try {
      return (int)
          h.servicePg.count(
              "rms",
              "select count(*) from delivery d join message m on m.id = d.message_id"
                  + " where m.business_key like ? and d.status = 'SCHEDULED' and d.attempts = 0",
              sc + "-%");
    } catch (IllegalStateException e) {
      return -1;
    }
  }

  private List<String> messageIds(String likeKey) {
    return h.servicePg.query(
        "rms", "select id from message where business_key like ?", rs -> rs.getString(1), likeKey);
  }

  /** The check-back decisions of a message in order, from the service's API. */
  private List<String> checkBackDecisions(String id) {
    JsonNode m = h.api("GET", "/api/v1/messages/" + id, Harness.PRODUCER_KEY, null).json();
    List<String> decisions = new ArrayList<>();
    List<JsonNode> events = new ArrayList<>();
    m.get("events").forEach(events::add);
    events.sort(Comparator.comparing(e -> e.get("at").asString()));
    for (JsonNode e : events) {
      if ("CHECK_BACK".equals(e.get("type").asString())) {
        decisions.add(e.get("detail").get("decision").asString());
      }
    }
    return decisions;
  }

  /** Injects a fault, lets it last {@code millis} and heals it; when the heal was done. */
  private static Instant fault(Runnable inject, long millis, Runnable heal) {
    inject.run();
    sleep(millis);
    heal.run();
    return Instant.now();
  }

  /** A backlog's release: when, the figures of its scenario and how the sweep drained it. */
  private record Release(Instant at, Figures figures, SweepSampler.Drain drain) {}

  /**
   * Releases a backlog by {@code heal} while sampling {@code sweep}'s runs on service-1, and waits
   * until scenario {@code sc} is quiet (its figures are not asserted clean here).
   */
  private Release release(String sweep, Runnable heal, String sc, Instant start) {
    try (SweepSampler sampler = new SweepSampler(h.managementPorts[0], sweep)) {
      sleep(1500);
      Instant released = Instant.now();
      heal.run();
      Figures f = finish(sc, start, released, List.of(), false);
      return new Release(released, f, sampler.drain());
    }
  }

  private Figures finish(String sc, Instant start, Instant healed, List<String> notes) {
    return finish(sc, start, healed, notes, true);
  }

  private Figures finish(
      String sc, Instant start, Instant healed, List<String> notes, boolean assertClean) {
    return finish(checker, sc, start, healed, notes, assertClean);
  }

  private Figures finish(
      Checker checker, String sc, Instant start, Instant healed, List<String> notes) {
    return finish(checker, sc, start, healed, notes, true);
  }

  private Figures finish(
      Checker checker,
      String sc,
      Instant start,
      Instant healed,
      List<String> notes,
      boolean assertClean) {
    Figures f = checker.await(sc, start, healed, QUIET, notes);
    all.add(f);
    System.out.print(Report.HEADER + Report.row(f) + Report.details(f));
    try {
      Files.writeString(figuresFile, Report.row(f), StandardOpenOption.APPEND);
    } catch (IOException ignored) {
      // printed anyway
    }
    if (assertClean) {
      assertThat(f.violations()).as("invariants of " + sc).isEmpty();
      assertThat(f.lost()).isZero();
      assertThat(f.phantom()).isZero();
      assertThat(f.duplicateEffects()).isZero();
    }
    return f;
  }

  /** Brings back whatever an earlier (possibly failed) scenario left broken. */
  private void ensureHealthy() {
    for (var proxy : List.of(h.pgProxy, h.apiProxy, h.consumerApiProxy, h.checkBackProxy)) {
      proxy.heal();
    }
    h.mqProxies.heal();
    h.rabbit.start(); // a node an earlier scenario left dead
    try {
      h.rabbit.memoryAlarm(false);
    } catch (RuntimeException down) {
      h.rabbit.kill9();
      h.rabbit.start();
    }
    if (!h.services[0].alive()) {
      h.services[0].start(Duration.ofMinutes(3));
    }
    h.services[0].resume();
    h.consumer.resume();
    if (!h.consumer.alive()) {
      h.consumer.start(Duration.ofMinutes(2));
    }
    if (!h.producer.alive()) {
      h.producer.start(Duration.ofMinutes(2));
    } else {
      hold(false);
    }
  }

  private static void sleep(long millis) {
    Harness.sleep(millis);
  }

  private static void join(Thread t) {
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
