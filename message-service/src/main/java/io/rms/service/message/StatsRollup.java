package io.rms.service.message;

import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The rollup behind {@code GET /api/v1/stats} (docs/design.md §6.1): counts of the finished rows
 * (messages DELIVERED or CANCELLED, deliveries ACKED or DISCARDED) whose finish time is at or
 * before the watermark of {@code stats_fold}. The stats add the rows finished after the watermark
 * and the live ones, counted exactly, so a call never reads the finished history.
 *
 * <p>Who keeps the counts exact: the fold adds a range and moves the watermark by compare-and-set
 * in one transaction; retention and replay, the only paths that delete a finished row or move it
 * out of its final status, subtract the folded rows they touch in their own transaction, holding
 * the watermark row {@code FOR SHARE} from before they read it to their commit, so no fold can
 * count a row they are deleting or reopening (the fold's first statement waits for them, and its
 * counting statement then sees their commit).
 */
@Component
public class StatsRollup {
  /**
   * When a finished delivery finished, as the index {@code delivery_finished} spells it: the ack's
   * or the discard's time; {@code infinity} for a discard of a version before V17 (never folded).
   */
  public static final String DELIVERY_FINISH = finish("");

  private final JdbcTemplate jdbc;

  StatsRollup(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** {@link #DELIVERY_FINISH} of the delivery row named {@code alias}. */
  public static String deliveryFinish(String alias) {
    return finish(alias + ".");
  }

  private static String finish(String columnPrefix) {
    return "coalesce("
        + columnPrefix
        + "acked_at, "
        + columnPrefix
        + "discarded_at, 'infinity'::timestamptz)";
  }

  /**
   * Holds the watermark where it is until the caller's transaction ends ({@code FOR SHARE}): call
   * it before a statement that deletes or reopens finished rows and subtracts the folded ones.
   * Holders do not wait for each other, only for a fold that is moving it.
   */
  public void holdWatermark() {
    jdbc.queryForObject("select 1 from stats_fold for share", Integer.class);
  }

  /** The watermark as PostgreSQL prints it ({@code -infinity} before the first fold). */
  public String watermark() {
    return jdbc.queryForObject("select watermark::text from stats_fold", String.class);
  }

  /**
   * Subtracts folded deliveries that left their final status: {@code n} per subscription and
   * status. The caller holds the watermark ({@link #holdWatermark}).
   */
  void subtractDeliveries(String subscription, Map<String, Long> byStatus) {
    byStatus.forEach(
        (status, n) ->
            jdbc.update(
                "update delivery_count set n = n - ? where subscription = ? and status = ?",
                n,
                subscription,
                status));
  }

  /**
   * An app's topic: a key of the message counts. Subtractions update count rows in {@link #ORDER},
   * so two replays subtracting from the same rows lock them in the same order.
   */
  record AppTopic(String app, String topic) {
    static final Comparator<AppTopic> ORDER =
        Comparator.comparing(AppTopic::app).thenComparing(AppTopic::topic);
  }

  /**
   * Subtracts folded messages that left DELIVERED: {@code n} per app and topic. The caller holds
   * the watermark ({@link #holdWatermark}).
   */
  void subtractDelivered(Map<AppTopic, Long> byAppTopic) {
    byAppTopic.forEach(
        (key, n) ->
            jdbc.update(
                """
                update message_count set n = n - ?
                 where app_id = ? and topic = ? and status = 'DELIVERED'
                """,
                n,
                key.app(),
                key.topic()));
  }

  /**
   * The fold's range: the watermark, the new one and whether it is ahead. Its row bounds read only
   * the rows up to the time bound, so a fold reads what it folds and not the lag after it.
   * Parameters: the lag in milliseconds, then the batch size less one, twice.
   */
  static final String FOLD_RANGE =
      """
      with b as materialized (
        select w.watermark, least(
                 now() - ? * interval '1 millisecond',
                 -- strictly before: it may still commit rows finished at its start
                 (select min(a.xact_start) - interval '1 microsecond'
                    from pg_stat_activity a
                   where a.datname = current_database() and a.pid <> pg_backend_pid()
                     and a.backend_type = 'client backend')) as bound
          from stats_fold w
      ), r as materialized (
        -- the row bounds read only the range this fold may take, never the rows of the lag
        -- after it (a minute of traffic, read again by every fold otherwise)
        select b.watermark, least(
                 b.bound,
                 (select m.finished_at from message m
                   where m.finished_at > b.watermark and m.finished_at <= b.bound
                     and m.status in ('DELIVERED', 'CANCELLED')
                   order by m.finished_at offset ? limit 1),
                 (select %1$s from delivery
                   where status in ('ACKED', 'DISCARDED')
                     and %1$s > b.watermark and %1$s <= b.bound
                   order by %1$s offset ? limit 1)) as upto
          from b
      )
      select r.watermark::text, r.upto::text, r.upto > r.watermark from r
      """
          .formatted(DELIVERY_FINISH);

  /**
   * Folds the rows finished after the watermark and at or before the new one, then moves the
   * watermark there, in the caller's transaction. The new watermark is the earliest of: {@code lag}
   * before this transaction's start; just before the start of the oldest transaction running in
   * this database (it may still set a finish time equal to its start, {@code now()}, and commit
   * later); the finish of the {@code limit}-th message and of the {@code limit}-th delivery after
   * the watermark (so one fold stays short while it catches up on history). Returns the rows
   * folded, -1 if another fold moved the watermark first (the compare-and-set lost), 0 if there was
   * nothing to fold.
   */
  public long fold(Duration lag, int limit) {
    Range range =
        jdbc.queryForObject(
            FOLD_RANGE,
            (rs, i) -> new Range(rs.getString(1), rs.getString(2), rs.getBoolean(3)),
            lag.toMillis(),
            limit - 1,
            limit - 1);
    if (!range.ahead()) {
      return 0;
    }
    String from = range.from();
    String to = range.to();
    int moved =
        jdbc.update(
            """
            update stats_fold set watermark = ?::timestamptz
             where watermark = ?::timestamptz
            """,
            to,
            from);
    if (moved == 0) {
      return -1;
    }
    Long messages =
        jdbc.queryForObject(
            """
            with c as (
              select app_id, topic, status, count(*) as n from message
               where finished_at > ?::timestamptz and finished_at <= ?::timestamptz
                 and status in ('DELIVERED', 'CANCELLED')
               group by app_id, topic, status
            ), added as (
              insert into message_count (app_id, topic, status, n)
              select app_id, topic, status, n from c order by app_id, topic, status
              on conflict (app_id, topic, status) do update set n = message_count.n + excluded.n
            )
            select coalesce(sum(n), 0)::bigint from c
            """,
            Long.class,
            from,
            to);
    Long deliveries =
        jdbc.queryForObject(
            """
            with c as (
              select subscription, status, count(*) as n from delivery
               where status in ('ACKED', 'DISCARDED')
                 and %1$s > ?::timestamptz and %1$s <= ?::timestamptz
               group by subscription, status
            ), added as (
              insert into delivery_count (subscription, status, n)
              select subscription, status, n from c order by subscription, status
              on conflict (subscription, status) do update set n = delivery_count.n + excluded.n
            )
            select coalesce(sum(n), 0)::bigint from c
            """
                .formatted(DELIVERY_FINISH),
            Long.class,
            from,
            to);
    return messages + deliveries;
  }

  /** A fold's range: (from, to], as PostgreSQL prints timestamps; empty unless {@code ahead}. */
  private record Range(String from, String to, boolean ahead) {}
}
