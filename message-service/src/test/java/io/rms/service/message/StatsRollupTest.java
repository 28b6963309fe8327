package io.rms.service.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.api.DeliveryStatus;
import io.rms.api.MessageStatus;
import io.rms.api.StatsView;
import io.rms.recovery.RetentionPort;
import io.rms.service.registry.AppInfo;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionInfo;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The stats rollup keeps {@code GET /api/v1/stats} exact: after live rows, rows finished before and
 * after a fold, a retention batch and a replay, every count equals a plain {@code count(*)}; two
 * folds of one range count it once; a fold stays behind a transaction that may still finish rows.
 */
class StatsRollupTest extends StatsRollupFixture {
  /** A consumer app: the messages are given its id, so its stats cover both sides. */
  private static final String APP = "audit";

  private static final String SUBSCRIPTION = "audit.fanout";

  @Autowired RetentionPort retention;
  @Autowired ReplayDeliveries replay;
  @Autowired Registry registry;
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
