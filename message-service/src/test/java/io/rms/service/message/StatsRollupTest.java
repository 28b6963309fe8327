package io.rms.service.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.api.DeliveryStatus;
import io.rms.api.MessageStatus;
import io.rms.api.StatsView;
import io.rms.recovery.RetentionPort;
import io.rms.service.registry.AppInfo;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionInfo;
import io.rms.service.testing.IntegrationTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stats rollup keeps {@code GET /api/v1/stats} exact: after live rows, rows finished before and
 * after a fold, a retention batch and a replay, every count equals a plain {@code count(*)}; two
 * folds of one range count it once.
 */
class StatsRollupTest extends IntegrationTest {
  /** A consumer app: the messages are given its id, so its stats cover both sides. */
  private static final String APP = "audit";

  private static final String TOPIC = "order.stats-rollup";
  private static final String SUBSCRIPTION = "audit.fanout";
  private static final JobKey FOLD_JOB = JobKey.jobKey("stats-fold", "rms");
  private static final int LIVE = 10;
  private static final int HISTORY = 50_000;

  @Autowired MessageQueries queries;
  @Autowired StatsRollup rollup;
  @Autowired RetentionPort retention;
  @Autowired ReplayDeliveries replay;
  @Autowired Registry registry;
  @Autowired TransactionTemplate tx;
  @Autowired Scheduler scheduler;
  @Autowired DataSource dataSource;

  /**
   * {@code n} messages of APP in {@code status} finished {@code ago} before now (unfinished when
   * null), each with a delivery on SUBSCRIPTION in {@code delivery} (none when null) finished at
   * the same time when final. Returns their ids.
   */
  private List<UUID> messages(int n, String status, String delivery, String ago) {
    List<UUID> ids =
        jdbc.queryForList(
            """
            insert into message (id, app_id, topic, status, content_type, payload, content_hash,
                                 created_at, finished_at)
            select gen_random_uuid(), ?, ?, ?, 'application/json', '{}'::bytea, '\\x00'::bytea,
                   now() - interval '30 days', now() - ?::interval
              from generate_series(1, ?)
            returning id
            """,
            UUID.class,
            APP,
            TOPIC,
            status,
            ago == null ? "0 s" : ago,
            n);
    if (ago == null) {
      jdbc.update(
          "update message set finished_at = null where id = any(?::uuid[])", (Object) array(ids));
    }
    if (delivery != null) {
      jdbc.update(
          """
          insert into delivery (message_id, subscription, status, acked_at, discarded_at)
          select id, ?, ?, case when ? = 'ACKED' then m.finished_at end,
                 case when ? = 'DISCARDED' then coalesce(m.finished_at, now()) end
            from message m where id = any(?::uuid[])
          """,
          SUBSCRIPTION,
          delivery,
          delivery,
          delivery,
          array(ids));
    }
    return ids;
  }

  private static UUID[] array(List<UUID> ids) {
    return ids.toArray(UUID[]::new);
  }

  private AppInfo app() {
    return registry.app(APP).orElseThrow();
  }

  /** What the stats must say: the app's rows counted the plain way. */
  private StatsView counted() {
    Map<String, Map<MessageStatus, Long>> topics = new TreeMap<>();
    jdbc.query(
        "select topic, status, count(*) from message where app_id = ? group by topic, status",
        rs -> {
          topics
              .computeIfAbsent(rs.getString(1), t -> new EnumMap<>(MessageStatus.class))
              .put(MessageStatus.valueOf(rs.getString(2)), rs.getLong(3));
        },
        APP);
    String[] subs =
        registry.subscriptions().stream()
            .filter(s -> s.app().equals(APP))
            .map(SubscriptionInfo::name)
            .sorted()
            .toArray(String[]::new);
    Map<String, Map<DeliveryStatus, Long>> deliveries = new TreeMap<>();
    for (String s : subs) {
      deliveries.put(s, new EnumMap<>(DeliveryStatus.class));
    }
    jdbc.query(
        """
        select subscription, status, count(*) from delivery
         where subscription = any(?::text[]) group by subscription, status
        """,
        rs -> {
          deliveries
              .get(rs.getString(1))
              .put(DeliveryStatus.valueOf(rs.getString(2)), rs.getLong(3));
        },
        (Object) subs);
    return new StatsView(
        topics.entrySet().stream()
            .map(e -> new StatsView.TopicStats(e.getKey(), e.getValue()))
            .toList(),
        deliveries.entrySet().stream()
            .map(e -> new StatsView.SubscriptionStats(e.getKey(), e.getValue(), 0))
            .toList(),
        null,
        null);
  }

  private void assertExact(String when) {
    StatsView stats = queries.stats(app());
    StatsView expected = counted();
    assertThat(stats.topics()).as("topics " + when).isEqualTo(expected.topics());
    assertThat(
            stats.subscriptions().stream()
                .map(s -> new StatsView.SubscriptionStats(s.subscription(), s.deliveries(), 0))
                .toList())
        .as("subscriptions " + when)
        .isEqualTo(expected.subscriptions());
  }

  private long folded(String status) {
    Long n =
        jdbc.queryForObject(
            "select sum(n) from message_count where app_id = ? and topic = ? and status = ?",
            Long.class,
            APP,
            TOPIC,
            status);
    return n == null ? 0 : n;
  }

  /** This test's deliveries in the counts: those finished at or before the watermark. */
  private long foldedDeliveries() {
    Long ours =
        jdbc.queryForObject(
            """
            select count(*) from delivery d join message m on m.id = d.message_id
             where m.topic = ? and d.status in ('ACKED', 'DISCARDED')
               and %s <= (select watermark from stats_fold)
            """
                .formatted(StatsRollup.deliveryFinish("d")),
            Long.class,
            TOPIC);
    Long others =
        jdbc.queryForObject(
            """
            select count(*) from delivery d join message m on m.id = d.message_id
             where d.subscription = ? and m.topic <> ? and d.status in ('ACKED', 'DISCARDED')
               and %s <= (select watermark from stats_fold)
            """
                .formatted(StatsRollup.deliveryFinish("d")),
            Long.class,
            SUBSCRIPTION,
            TOPIC);
    Long counted =
        jdbc.queryForObject(
            "select coalesce(sum(n), 0) from delivery_count where subscription = ?",
            Long.class,
            SUBSCRIPTION);
    assertThat(counted)
        .as("the delivery counts hold exactly the folded rows")
        .isEqualTo(ours + others);
    return ours;
  }

  /**
   * Starts the counts over (empty, watermark {@code -infinity}: everything is counted live), which
   * is always exact, so that the test may insert rows that finished in the past: below a watermark
   * they would never be folded, as rows a running transaction finishes late would be without the
   * fold's lag.
   */
  @BeforeEach
  void startTheCountsOver() throws SchedulerException {
    // the scheduled fold (a minute behind) would otherwise fold past rows this test inserts later
    scheduler.pauseJob(FOLD_JOB);
    tx.executeWithoutResult(
        status -> {
          jdbc.queryForObject("select 1 from stats_fold for update", Integer.class);
          jdbc.update("delete from message_count");
          jdbc.update("delete from delivery_count");
          jdbc.update("update stats_fold set watermark = '-infinity'");
        });
  }

  /** Takes this test's rows out, with their share of the counts (as retention does). */
  @AfterEach
  void removeTheRows() throws SchedulerException {
    scheduler.resumeJob(FOLD_JOB);
    tx.executeWithoutResult(
        status -> {
          rollup.holdWatermark();
          jdbc.update(
              """
              update delivery_count c set n = c.n - x.n
                from (select d.subscription, d.status, count(*) as n
                        from delivery d join message m on m.id = d.message_id
                       where m.topic = ? and d.status in ('ACKED', 'DISCARDED')
                         and %s <= (select watermark from stats_fold)
                       group by d.subscription, d.status) x
               where c.subscription = x.subscription and c.status = x.status
              """
                  .formatted(StatsRollup.deliveryFinish("d")),
              TOPIC);
          jdbc.update("delete from message_count where topic = ?", TOPIC);
          jdbc.update("delete from message where topic = ?", TOPIC);
        });
  }

  private long fold() {
    return tx.execute(status -> rollup.fold(Duration.ZERO, 1_000_000));
  }

  @Test
  void theStatsEqualAPlainCountThroughFoldRetentionAndReplay() {
    messages(3, "PREPARED", null, null);
    messages(4, "CONFIRMED", "PUBLISHED", null);
    messages(2, "CONFIRMED", "DEAD", null);
    messages(2, "CONFIRMED", "DISCARDED", null); // discarded now, message still pending elsewhere
    List<UUID> delivered = messages(20, "DELIVERED", "ACKED", "2 hours");
    messages(5, "CANCELLED", null, "2 hours");
    List<UUID> expired = messages(6, "DELIVERED", "ACKED", "8 days");
    assertExact("before any fold");

    fold();
    assertThat(folded("DELIVERED")).as("the fold counted the finished history").isEqualTo(26);
    assertThat(folded("CANCELLED")).isEqualTo(5);
    assertThat(foldedDeliveries()).as("20 + 6 acked, 2 discarded").isEqualTo(28);
    assertExact("after the fold");

    messages(7, "DELIVERED", "ACKED", "0 s"); // finished after the fold (now())
    messages(3, "CANCELLED", null, "0 s");
    assertExact("with rows finished after the fold");

    assertThat(retention.deleteFinishedOlderThan(Duration.ofDays(7), 1000))
        .isGreaterThanOrEqualTo(expired.size());
    assertThat(folded("DELIVERED")).as("retention took its rows out of the counts").isEqualTo(20);
    assertThat(foldedDeliveries()).isEqualTo(22);
    assertExact("after retention deleted folded rows");

    List<UUID> replayed = delivered.subList(0, 4);
    tx.executeWithoutResult(
        status ->
            replay.reset(
                "stats-rollup-" + UUID.randomUUID(),
                SUBSCRIPTION,
                replayed,
                false,
                Duration.ofHours(1)));
    assertThat(
            jdbc.queryForObject(
                "select count(*) from message where id = any(?::uuid[]) and status = 'CONFIRMED'",
                Integer.class,
                (Object) array(replayed)))
        .isEqualTo(4);
    assertThat(folded("DELIVERED")).as("the replay reopened folded rows").isEqualTo(16);
    assertThat(foldedDeliveries()).isEqualTo(18);
    assertExact("after a replay reopened folded rows");

    fold();
    assertExact("after a second fold");
  }

  @Test
  void twoFoldsOfOneRangeCountItOnce() throws Exception {
    messages(10, "DELIVERED", "ACKED", "0 s");
    CompletableFuture<Long> second = new CompletableFuture<>();
    long first =
        tx.execute(
            status -> {
              long folded = rollup.fold(Duration.ZERO, 1_000_000);
              // the other fold reads the same watermark and waits on its compare-and-set
              Thread other =
                  new Thread(
                      () -> {
                        try {
                          second.complete(tx.execute(s -> rollup.fold(Duration.ZERO, 1_000_000)));
                        } catch (RuntimeException e) {
                          second.completeExceptionally(e);
                        }
                      });
              other.start();
              awaitWaitingOnTheWatermark();
              return folded;
            });
    assertThat(first)
        .as("the first fold counted the ten messages and deliveries")
        .isGreaterThan(19);
    assertThat(second.get()).as("the second fold lost its compare-and-set").isEqualTo(-1);
    assertExact("after two concurrent folds");
  }

  @Test
  void aFoldStaysBehindATransactionThatMayStillFinishRows() throws Exception {
    try (Connection late = dataSource.getConnection()) {
      late.setAutoCommit(false);
      String started;
      try (Statement st = late.createStatement();
          ResultSet rs = st.executeQuery("select now()::text")) {
        rs.next();
        started = rs.getString(1);
      }
      Thread.sleep(50);
      fold();
      assertThat(
              jdbc.queryForObject(
                  "select watermark < ?::timestamptz from stats_fold", Boolean.class, started))
          .as("the watermark stays before the start of a running transaction")
          .isTrue();
      // the running transaction finishes a message and its delivery at its start, then commits
      try (Statement st = late.createStatement()) {
        st.executeUpdate(
            """
            with m as (
              insert into message (id, app_id, topic, status, content_type, payload, content_hash,
                                   finished_at)
              values (gen_random_uuid(), 'audit', 'order.stats-rollup', 'DELIVERED',
                      'application/json', '{}'::bytea, '\\x00'::bytea, now())
              returning id
            )
            insert into delivery (message_id, subscription, status, acked_at)
            select id, 'audit.fanout', 'ACKED', now() from m
            """);
      }
      late.commit();
    }
    assertExact("after a transaction older than the fold committed finished rows");
    fold();
    assertThat(folded("DELIVERED")).as("the next fold counted them").isEqualTo(1);
    assertExact("after the next fold");
  }

  @Test
  void theStatsStatementsReadNoneOfTheFoldedHistory() {
    String probe = "stats-probe";
    String sub = "stats-probe.sub";
    jdbc.update(
        """
        with m as (
          insert into message (id, app_id, topic, status, content_type, payload, content_hash,
                               created_at, confirmed_at, finished_at)
          select gen_random_uuid(), ?, ?, case when i <= ? then 'CONFIRMED' else 'DELIVERED' end,
                 'application/json', '{}'::bytea, '\\x00'::bytea, now() - interval '2 hours',
                 now() - interval '2 hours',
                 case when i > ? then now() - interval '1 hour' end
            from generate_series(1, ?) i
          returning id, status, finished_at
        )
        insert into delivery (message_id, subscription, status, acked_at)
        select id, ?, case when status = 'DELIVERED' then 'ACKED' else 'PUBLISHED' end, finished_at
          from m
        """,
        probe,
        TOPIC,
        LIVE,
        LIVE,
        LIVE + HISTORY,
        sub);
    jdbc.execute("analyze message");
    jdbc.execute("analyze delivery");
    fold();
    String watermark = rollup.watermark();
    String[] subs = {sub};

    long messageRows =
        rowsRead(MessageQueries.STATS_FOLDED_MESSAGES, "message", probe)
            + rowsRead(MessageQueries.STATS_RECENT_MESSAGES, "message", watermark, probe)
            + rowsRead(MessageQueries.STATS_LIVE_MESSAGES, "message", probe);
    long deliveryRows =
        rowsRead(MessageQueries.STATS_FOLDED_DELIVERIES, "delivery", (Object) subs)
            + rowsRead(MessageQueries.STATS_RECENT_DELIVERIES, "delivery", watermark, subs)
            + rowsRead(MessageQueries.STATS_LIVE_DELIVERIES, "delivery", (Object) subs);
    assertThat(messageRows)
        .as("message rows the stats read beside %d folded ones", HISTORY)
        .isBetween((long) LIVE, 1000L);
    assertThat(deliveryRows)
        .as("delivery rows the stats read beside %d folded ones", HISTORY)
        .isBetween((long) LIVE, 1000L);
    assertThat(
            rowsRead(
                "select topic, status, count(*) from message where app_id = ? group by 1, 2",
                "message",
                probe))
        .as("the whole-table count this replaces reads the history")
        .isGreaterThanOrEqualTo(HISTORY);
    StatsView stats =
        queries.stats(new AppInfo(probe, List.of(), Set.of(), null, null, Set.of(), true));
    assertThat(stats.topics())
        .containsExactly(
            new StatsView.TopicStats(
                TOPIC,
                Map.of(
                    MessageStatus.CONFIRMED,
                    (long) LIVE,
                    MessageStatus.DELIVERED,
                    (long) HISTORY)));
  }

  /** Rows the plan of {@code sql} read from {@code relation} (returned or filtered out). */
  private long rowsRead(String sql, String relation, Object... args) {
    String json = jdbc.queryForObject("explain (analyze, format json) " + sql, String.class, args);
    return rowsReadFrom(JsonMapper.builder().build().readTree(json).get(0).get("Plan"), relation);
  }

  private static long rowsReadFrom(JsonNode node, String relation) {
    long rows = 0;
    if (relation.equals(node.path("Relation Name").asString(""))) {
      long perLoop =
          node.path("Actual Rows").asLong()
              + node.path("Rows Removed by Filter").asLong()
              + node.path("Rows Removed by Index Recheck").asLong();
      rows += perLoop * Math.max(1, node.path("Actual Loops").asLong());
    }
    for (JsonNode child : node.path("Plans")) {
      rows += rowsReadFrom(child, relation);
    }
    return rows;
  }

  private void awaitWaitingOnTheWatermark() {
    for (int i = 0; i < 200; i++) {
      jdbc.queryForObject("select pg_stat_clear_snapshot()::text", String.class);
      int waiting =
          jdbc.queryForObject(
              """
              select count(*)::int from pg_stat_activity
               where datname = current_database() and wait_event_type = 'Lock'
                 and query like '%update stats_fold%'
              """,
              Integer.class);
      if (waiting > 0) {
        return;
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("the second fold never waited on the watermark row");
  }
}
