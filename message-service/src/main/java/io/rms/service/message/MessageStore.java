package io.rms.service.message;

import io.rms.api.MessageStatus;
import io.rms.recovery.PreparedMessage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * Message rows with {@link JdbcTemplate}. Every status change is a compare-and-set whose allowed
 * sources come from {@link MessageLifecycle}; one row changed means this caller won.
 */
@Component // not @Repository: JdbcTemplate translates exceptions already; the proxy only cost CPU
public class MessageStore {
  static final String COLUMNS =
      """
      id, app_id, producer_message_id, topic, status, content_type, payload, content_hash,
      business_key, ordering_key, headers::text as headers, deliver_after, created_at,
      confirmed_at, finished_at, check_count, order_seq, traceparent, tracestate
      """;

  private final JdbcTemplate jdbc;
  private final Json json;
  private final RowMapper<StoredMessage> rowMapper;

  MessageStore(JdbcTemplate jdbc, Json json) {
    this.jdbc = jdbc;
    this.json = json;
    this.rowMapper = this::map;
  }

  /**
   * Inserts PREPARED messages in one statement, each first checked back after {@code checkAfter};
   * those flagged {@code ordered} draw their place in their key, in list order (the caller holds
   * the keys' locks). Returns the creation time of each message inserted, by id; a message whose
   * app already has one with the same producerMessageId (in the table or earlier in this list) is
   * left out.
   */
  Map<UUID, Instant> insertPreparedAll(
      List<NewMessage> ms, Duration checkAfter, Boolean[] ordered) {
    Map<UUID, Instant> created = new HashMap<>();
    jdbc.query(
        """
        insert into message (id, app_id, producer_message_id, topic, status, content_type,
                             payload, content_hash, business_key, ordering_key, headers,
                             deliver_after, next_check_at, order_seq, traceparent, tracestate)
        select t.id, t.app_id, t.producer_message_id, t.topic, 'PREPARED', t.content_type,
               t.payload, t.content_hash, t.business_key, t.ordering_key, t.headers::jsonb,
               t.deliver_after::timestamptz, now() + ? * interval '1 millisecond',
               case when t.ordered then nextval('message_order_seq') end,
               t.traceparent, t.tracestate
          from (select * from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[],
                                     ?::bytea[], ?::bytea[], ?::text[], ?::text[], ?::text[],
                                     ?::text[], ?::boolean[], ?::text[], ?::text[])
                  with ordinality
                  as u(id, app_id, producer_message_id, topic, content_type, payload,
                       content_hash, business_key, ordering_key, headers, deliver_after, ordered,
                       traceparent, tracestate, n)
                 order by u.n) t
        on conflict (app_id, producer_message_id) where producer_message_id is not null
        do nothing
        returning id, created_at
        """,
        rs -> {
          created.put(rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant());
        },
        checkAfter.toMillis(),
        ms.stream().map(NewMessage::id).toArray(UUID[]::new),
        ms.stream().map(NewMessage::app).toArray(String[]::new),
        ms.stream().map(NewMessage::producerMessageId).toArray(String[]::new),
        ms.stream().map(NewMessage::topic).toArray(String[]::new),
        ms.stream().map(NewMessage::contentType).toArray(String[]::new),
        ms.stream().map(NewMessage::payload).toArray(byte[][]::new),
        ms.stream().map(NewMessage::contentHash).toArray(byte[][]::new),
        ms.stream().map(NewMessage::businessKey).toArray(String[]::new),
        ms.stream().map(NewMessage::orderingKey).toArray(String[]::new),
        ms.stream()
            .map(m -> m.headers().isEmpty() ? null : json.write(m.headers()))
            .toArray(String[]::new),
        ms.stream()
            .map(m -> m.deliverAfter() == null ? null : m.deliverAfter().toString())
            .toArray(String[]::new),
        ordered,
        ms.stream()
            .map(m -> m.trace() == null ? null : m.trace().traceparent())
            .toArray(String[]::new),
        ms.stream()
            .map(m -> m.trace() == null ? null : m.trace().tracestate())
            .toArray(String[]::new));
    return created;
  }

  /**
   * Inserts a message that is prepared and confirmed in one step ({@code send}), expecting {@code
   * pending} deliveries. Empty when the producerMessageId is taken.
   */
  Optional<StoredMessage> insertConfirmed(NewMessage m, int pending, boolean ordered) {
    MessageLifecycle.check(MessageStatus.PREPARED, MessageStatus.CONFIRMED);
    return jdbc
        .query(
            """
            insert into message (id, app_id, producer_message_id, topic, status, content_type,
                                 payload, content_hash, business_key, ordering_key, headers,
                                 deliver_after, confirmed_at, pending_deliveries, order_seq,
                                 traceparent, tracestate)
            values (?, ?, ?, ?, 'CONFIRMED', ?, ?, ?, ?, ?, ?::jsonb, ?, now(), ?,
                    case when ? then nextval('message_order_seq') end, ?, ?)
            on conflict (app_id, producer_message_id) where producer_message_id is not null
            do nothing
            returning
            """
                + COLUMNS,
            rowMapper,
            insertArgs(m, pending, ordered))
        .stream()
        .findFirst();
  }

  /** Maps a row selected with {@link #COLUMNS}. */
  RowMapper<StoredMessage> rowMapper() {
    return rowMapper;
  }

  /** The message, if it exists and (when {@code app} is not null) belongs to the app. */
  public Optional<StoredMessage> find(UUID id, String app) {
    return jdbc
        .query(
            "select " + COLUMNS + " from message where id = ? and (?::text is null or app_id = ?)",
            rowMapper,
            id,
            app,
            app)
        .stream()
        .findFirst();
  }

  /** The messages with these ids that exist, by id. */
  public Map<UUID, StoredMessage> findAll(Collection<UUID> ids) {
    Map<UUID, StoredMessage> found = new HashMap<>();
    jdbc.query(
        "select " + COLUMNS + " from message where id = any(?::uuid[])",
        rs -> {
          StoredMessage m = rowMapper.mapRow(rs, 0);
          found.put(m.id(), m);
        },
        (Object) ids.stream().distinct().toArray(UUID[]::new));
    return found;
  }

  /** The app's message with this producerMessageId. */
  Optional<StoredMessage> findByProducerMessageId(String app, String producerMessageId) {
    return jdbc
        .query(
            "select " + COLUMNS + " from message where app_id = ? and producer_message_id = ?",
            rowMapper,
            app,
            producerMessageId)
        .stream()
        .findFirst();
  }

  /**
   * PREPARED or IN_DOUBT → CONFIRMED, expecting {@code pending} deliveries. Returns the confirmed
   * row if this call won the compare-and-set.
   */
  Optional<StoredMessage> confirm(UUID id, String app, int pending) {
    return jdbc
        .query(
            """
            update message
               set status = 'CONFIRMED', confirmed_at = now(), next_check_at = null,
                   pending_deliveries = ?
             where id = ? and (?::text is null or app_id = ?) and status = any(?::text[])
            returning
            """
                + COLUMNS,
            rowMapper,
            pending,
            id,
            app,
            app,
            MessageLifecycle.sourceNames(MessageStatus.CONFIRMED))
        .stream()
        .findFirst();
  }

  /**
   * PREPARED or IN_DOUBT → CONFIRMED for each (id, app) pair in one statement (app null: any app),
   * each expecting as many deliveries as {@code pendingByTopic} gives its topic (none if absent).
   * Returns the rows this call won; ids it did not change are left out.
   */
  List<StoredMessage> confirmAll(
      List<UUID> ids, List<String> apps, Map<String, Integer> pendingByTopic) {
    return jdbc.query(
        """
        update message m
           set status = 'CONFIRMED', confirmed_at = now(), next_check_at = null,
               pending_deliveries = coalesce(
                 (select p.pending from unnest(?::text[], ?::int[]) as p(topic, pending)
                   where p.topic = m.topic), 0)
          from unnest(?::uuid[], ?::text[]) as t(target_id, target_app)
         where m.id = t.target_id and (t.target_app is null or m.app_id = t.target_app)
           and m.status = any(?::text[])
        returning
        """
            + COLUMNS,
        rowMapper,
        pendingByTopic.keySet().toArray(String[]::new),
        pendingByTopic.values().stream().mapToInt(Integer::intValue).toArray(),
        ids.toArray(UUID[]::new),
        apps.toArray(String[]::new),
        MessageLifecycle.sourceNames(MessageStatus.CONFIRMED));
  }

  /** PREPARED or IN_DOUBT → CANCELLED. True if this call won the compare-and-set. */
  boolean cancel(UUID id, String app) {
    return jdbc.update(
            """
            update message
               set status = 'CANCELLED', finished_at = now(), next_check_at = null
             where id = ? and (?::text is null or app_id = ?) and status = any(?::text[])
            """,
            id,
            app,
            app,
            MessageLifecycle.sourceNames(MessageStatus.CANCELLED))
        == 1;
  }

  /**
   * Counts one more finished (acked or discarded) delivery for each message and makes CONFIRMED →
   * DELIVERED those whose deliveries are all finished. Rows are locked in id order so concurrent
   * acks of different subscriptions cannot deadlock. Returns, per message, the milliseconds since
   * its confirm (database clock) for the end-to-end latency metric.
   */
  public long[] countFinishedDeliveries(Collection<UUID> messageIds) {
    if (messageIds.isEmpty()) {
      return new long[0];
    }
    return jdbc
        .queryForList(
            """
        with locked as (
          select id from message where id = any(?::uuid[]) order by id for update
        )
        update message m
           set pending_deliveries = m.pending_deliveries - 1,
               status = case when m.pending_deliveries <= 1 and m.status = any(?::text[])
                             then 'DELIVERED' else m.status end,
               finished_at = case when m.pending_deliveries <= 1 and m.status = any(?::text[])
                                  then now() else m.finished_at end
          from locked
         where m.id = locked.id
        returning (extract(epoch from now() - m.confirmed_at) * 1000)::bigint
            """,
            Long.class,
            messageIds.toArray(UUID[]::new),
            MessageLifecycle.sourceNames(MessageStatus.DELIVERED),
            MessageLifecycle.sourceNames(MessageStatus.DELIVERED))
        .stream()
        .filter(java.util.Objects::nonNull)
        .mapToLong(Long::longValue)
        .toArray();
  }

  /**
   * CONFIRMED → DELIVERED for a message that has no delivery at all (its topic lost all
   * subscribers). False if it was not a confirmed message without pending deliveries.
   */
  boolean completeWithoutDeliveries(UUID id) {
    return jdbc.update(
            """
            update message set status = 'DELIVERED', finished_at = now()
             where id = ? and status = any(?::text[]) and pending_deliveries = 0
            """,
            id,
            MessageLifecycle.sourceNames(MessageStatus.DELIVERED))
        == 1;
  }

  // --- check-back: a PREPARED message's checks, compare-and-set on status and check_count -----

  /**
   * Leases up to {@code limit} PREPARED messages whose check is due: one statement picks them with
   * {@code FOR UPDATE SKIP LOCKED} (index {@code message_check_due}) and moves their {@code
   * next_check_at} a lease ahead, so the row lock is held for milliseconds and the lease, not the
   * lock, keeps other instances away while the producer is asked.
   */
  public List<PreparedMessage> leaseDueChecks(int limit, Duration lease) {
    return jdbc.query(
        """
        with due as (
          select id from message
           where status = 'PREPARED' and next_check_at <= now()
           order by next_check_at
           limit ?
             for update skip locked
        )
        update message m
           set next_check_at = now() + ? * interval '1 millisecond'
          from due
         where m.id = due.id
        returning m.id, m.app_id, m.producer_message_id, m.topic, m.business_key, m.created_at,
                  m.check_count, m.traceparent
        """,
        (rs, i) ->
            new PreparedMessage(
                rs.getObject("id", UUID.class),
                rs.getString("app_id"),
                rs.getString("producer_message_id"),
                rs.getString("topic"),
                rs.getString("business_key"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getInt("check_count"),
                rs.getString("traceparent")),
        limit,
        lease.toMillis());
  }

  /**
   * Counts one more check of a PREPARED message that has had {@code checks} so far and, with a
   * {@code retryIn}, makes the next one due then. True if this call won the compare-and-set.
   */
  public boolean countCheck(UUID id, int checks, Duration retryIn) {
    return jdbc.update(
            """
            update message
               set check_count = check_count + 1,
                   next_check_at = coalesce(now() + ?::bigint * interval '1 millisecond', next_check_at)
             where id = ? and status = 'PREPARED' and check_count = ?
            """,
            retryIn == null ? null : retryIn.toMillis(),
            id,
            checks)
        == 1;
  }

  /** Moves a PREPARED message's next check, without counting one (the producer was not asked). */
  public boolean postponeCheck(UUID id, int checks, Duration delay) {
    return jdbc.update(
            """
            update message set next_check_at = now() + ? * interval '1 millisecond'
             where id = ? and status = 'PREPARED' and check_count = ?
            """,
            delay.toMillis(),
            id,
            checks)
        == 1;
  }

  /**
   * PREPARED → IN_DOUBT after the last check, counting it: the message waits for an operator. True
   * if this call won the compare-and-set.
   */
  public boolean markInDoubt(UUID id, int checks) {
    return jdbc.update(
            """
            update message
               set status = 'IN_DOUBT', check_count = check_count + 1, next_check_at = null
             where id = ? and status = any(?::text[]) and check_count = ?
            """,
            id,
            MessageLifecycle.sourceNames(MessageStatus.IN_DOUBT),
            checks)
        == 1;
  }

  /**
   * The values of an insert's eleven message columns, then the pending count and ordered flag, then
   * the trace context.
   */
  private Object[] insertArgs(NewMessage m, int pending, boolean ordered) {
    return new Object[] {
      m.id(),
      m.app(),
      m.producerMessageId(),
      m.topic(),
      m.contentType(),
      m.payload(),
      m.contentHash(),
      m.businessKey(),
      m.orderingKey(),
      m.headers().isEmpty() ? null : json.write(m.headers()),
      timestamp(m.deliverAfter()),
      pending,
      ordered,
      m.trace() == null ? null : m.trace().traceparent(),
      m.trace() == null ? null : m.trace().tracestate()
    };
  }

  static Timestamp timestamp(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp ts = rs.getTimestamp(column);
    return ts == null ? null : ts.toInstant();
  }

  private StoredMessage map(ResultSet rs, int row) throws SQLException {
    return new StoredMessage(
        rs.getObject("id", UUID.class),
        rs.getString("app_id"),
        rs.getString("producer_message_id"),
        rs.getString("topic"),
        MessageStatus.valueOf(rs.getString("status")),
        rs.getString("content_type"),
        rs.getBytes("payload"),
        rs.getBytes("content_hash"),
        rs.getString("business_key"),
        rs.getString("ordering_key"),
        json.strings(rs.getString("headers")),
        instant(rs, "deliver_after"),
        instant(rs, "created_at"),
        instant(rs, "confirmed_at"),
        instant(rs, "finished_at"),
        rs.getInt("check_count"),
        (Long) rs.getObject("order_seq"),
        rs.getString("traceparent"),
        rs.getString("tracestate"));
  }
}
