package io.rms.service.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.api.MessageStatus;
import io.rms.api.StatsView;
import io.rms.service.registry.AppInfo;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The statements of {@code GET /api/v1/stats} read the live rows and those finished after the
 * watermark, never the folded history: checked in their plans (EXPLAIN ANALYZE) beside 50,000
 * folded messages and deliveries.
 */
class StatsRollupPlanTest extends StatsRollupFixture {
  private static final int LIVE = 10;
  private static final int HISTORY = 50_000;

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

  @Test
  void aFoldReadsNoneOfTheRowsFinishedWithinTheLag() {
    String probe = "stats-lag-probe";
    jdbc.update(
        """
        with m as (
          insert into message (id, app_id, topic, status, content_type, payload, content_hash,
                               confirmed_at, finished_at)
          select gen_random_uuid(), ?, ?, 'DELIVERED', 'application/json', '{}'::bytea,
                 '\\x00'::bytea, now(), now()
            from generate_series(1, ?)
          returning id, finished_at
        )
        insert into delivery (message_id, subscription, status, acked_at)
        select id, 'stats-lag-probe.sub', 'ACKED', finished_at from m
        """,
        probe,
        TOPIC,
        5_000);
    jdbc.execute("analyze message");
    jdbc.execute("analyze delivery");
    long hourMillis = 3_600_000L;
    int lastOfBatch = 49_999;
    assertThat(rowsRead(StatsRollup.FOLD_RANGE, "message", hourMillis, lastOfBatch, lastOfBatch))
        .as("message rows a fold's range read beside 5,000 finished within its lag of an hour")
        .isLessThan(100);
    assertThat(rowsRead(StatsRollup.FOLD_RANGE, "delivery", hourMillis, lastOfBatch, lastOfBatch))
        .as("delivery rows a fold's range read beside 5,000 finished within its lag of an hour")
        .isLessThan(100);
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
}
