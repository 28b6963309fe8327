package io.rms.service.message;

import io.rms.api.DeliveryStatus;
import io.rms.recovery.DeliveryKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Finds and releases stranded keys (docs/design.md §5.1): WAITING deliveries that are their key's
 * head on their subscription, read from the rows alone. The candidates are read without locks;
 * then, in one transaction, their keys' advisory locks are taken (as every command that changes a
 * head takes them) and each candidate is released by a compare-and-set that checks the head again
 * under the lock. So a release a command made meanwhile, or another instance's run, wins, and a key
 * whose head changed back (a late confirm of an earlier message) is left alone.
 */
@Component
public class StrandedKeys {
  /**
   * Joins {@code h.id}: the head of the key of message {@code w} on {@code d.subscription}, its
   * first message (in {@code order_seq}) that still holds the key there ({@link KeyHeads}). A
   * WAITING delivery whose message is its own head ({@code h.id = w.id}) has nothing ahead of it.
   * The index {@code message_ordering} gives the head with one probe (an anti-join on "no earlier
   * holder" compares every pair of a long key's messages instead).
   */
  private static final String HEAD =
      """
      cross join lateral (
        select m.id from message m
         where m.topic = w.topic and m.ordering_key = w.ordering_key
           and %s
         order by m.order_seq
         limit 1) h
      """
          .formatted(KeyHeads.holds("m", "d.subscription"));

  private final JdbcTemplate jdbc;
  private final OrderedKeys keys;
  private final EventStore events;
  private final TransactionTemplate tx;

  StrandedKeys(JdbcTemplate jdbc, OrderedKeys keys, EventStore events, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.keys = keys;
    this.events = events;
    this.tx = tx;
  }

  /** A stranded delivery and its key. */
  private record Candidate(UUID messageId, String subscription, OrderedKeys.Key key) {}

  /**
   * Releases up to {@code limit} stranded deliveries, longest waiting first: WAITING → SCHEDULED,
   * due at their message's {@code deliverAfter} if that is ahead, else published now and due again
   * after {@code grace}; a {@code KEY_RELEASED} event each. Returns the released deliveries to
   * publish now.
   */
  public List<DeliveryKey> release(int limit, Duration grace) {
    List<Candidate> candidates =
        jdbc.query(
            """
            select d.message_id, d.subscription, w.topic, w.ordering_key
              from delivery d join message w on w.id = d.message_id
              %s
             where d.status = 'WAITING' and w.order_seq is not null and h.id = w.id
             order by d.created_at
             limit ?
            """
                .formatted(HEAD),
            (rs, i) ->
                new Candidate(
                    rs.getObject(1, UUID.class),
                    rs.getString(2),
                    new OrderedKeys.Key(rs.getString(3), rs.getString(4))),
            limit);
    if (candidates.isEmpty()) {
      return List.of();
    }
    return tx.execute(status -> releaseLocked(candidates, grace));
  }

  private List<DeliveryKey> releaseLocked(List<Candidate> candidates, Duration grace) {
    keys.lock(candidates.stream().map(Candidate::key).toList());
    List<Released> released =
        jdbc.query(
            """
        with input as (
          select * from unnest(?::uuid[], ?::text[]) as t(message_id, subscription)
        ), released as (
          select d.message_id, d.subscription, w.deliver_after
            from input i
            join delivery d using (message_id, subscription)
            join message w on w.id = d.message_id
            %s
           where d.status = any(?::text[]) and h.id = w.id
           order by d.message_id, d.subscription
             for update of d
        )
        update delivery d
           set status = 'SCHEDULED',
               next_attempt_at = case when r.deliver_after > now() then r.deliver_after
                                      else now() + ? * interval '1 millisecond' end
          from released r
         where d.message_id = r.message_id and d.subscription = r.subscription
        returning d.message_id, d.subscription, r.deliver_after > now() as delayed
        """
                .formatted(HEAD),
            (rs, i) -> new Released(rs.getObject(1, UUID.class), rs.getString(2), rs.getBoolean(3)),
            candidates.stream().map(Candidate::messageId).toArray(UUID[]::new),
            candidates.stream().map(Candidate::subscription).toArray(String[]::new),
            DeliveryLifecycle.guard(DeliveryStatus.SCHEDULED, DeliveryStatus.WAITING),
            grace.toMillis());
    List<DeliveryKey> now = new ArrayList<>();
    for (Released r : released) {
      events.append(
          r.messageId(),
          EventType.KEY_RELEASED,
          r.subscription(),
          EventStore.SYSTEM,
          Map.of("by", "stranded-key sweep", "delayed", r.delayed()));
      if (!r.delayed()) {
        now.add(new DeliveryKey(r.messageId(), r.subscription(), 0, null));
      }
    }
    return now;
  }

  /** A delivery the sweep released, and whether its message is still delayed. */
  private record Released(UUID messageId, String subscription, boolean delayed) {}
}
