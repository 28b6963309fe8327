package io.rms.service.message;

import io.rms.api.DeliveryStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The delivery transitions of a pull subscription: a pull consumer's lease is the publish of the
 * other modes (SCHEDULED → PUBLISHED, one attempt more, the lease's end as the ack deadline), so
 * ack, nack and the ack-timeout sweep end it as they end any published delivery. Each verb is one
 * compare-and-set statement.
 */
@Component
public class PullLeases {
  private final JdbcTemplate jdbc;

  PullLeases(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Leases up to {@code limit} of the subscription's due deliveries (SCHEDULED, {@code
   * next_attempt_at} passed), oldest due first, for {@code lease}: one statement picks them with
   * {@code FOR UPDATE SKIP LOCKED} (index {@code delivery_pull_due}) and moves them to PUBLISHED
   * with their next attempt booked, so two callers, on any replicas, never lease the same delivery.
   * On an ordered subscription only a key's head is SCHEDULED (the others wait), so a lease holds
   * at most one delivery per key.
   */
  public List<Leased> lease(String subscription, int limit, Duration lease) {
    return jdbc.query(
        """
        with due as (
          select message_id from delivery
           where subscription = ? and status = any(?::text[]) and next_attempt_at <= now()
           order by next_attempt_at
           limit ?
             for update skip locked
        )
        update delivery d
           set status = 'PUBLISHED', attempts = d.attempts + 1, published_at = now(),
               ack_deadline = now() + ? * interval '1 millisecond',
               next_attempt_at = now() + ? * interval '1 millisecond'
          from due
         where d.subscription = ? and d.message_id = due.message_id
           and d.status = any(?::text[])
        returning d.message_id, d.attempts, d.ack_deadline, d.next_attempt_at
        """,
        (rs, i) ->
            new Leased(
                rs.getObject("message_id", UUID.class),
                rs.getInt("attempts"),
                rs.getTimestamp("ack_deadline").toInstant()),
        subscription,
        DeliveryLifecycle.guard(DeliveryStatus.PUBLISHED, DeliveryStatus.SCHEDULED),
        limit,
        lease.toMillis(),
        lease.toMillis(),
        subscription,
        DeliveryLifecycle.guard(DeliveryStatus.PUBLISHED, DeliveryStatus.SCHEDULED));
  }

  /**
   * Gives back leases that reached no caller (its long poll ended while the lease was taken):
   * PUBLISHED → SCHEDULED, due now, the attempt handed back; guarded by status and attempts, so a
   * lease that moved on (acked, expired and leased again) is left alone. Returns how many changed.
   */
  public int giveBack(String subscription, List<Leased> leases) {
    if (leases.isEmpty()) {
      return 0;
    }
    return jdbc.update(
        """
        with input as (
          select * from unnest(?::uuid[], ?::int[]) as t(message_id, attempts)
        ), locked as (
          select d.message_id
            from delivery d join input i using (message_id)
           where d.subscription = ? and d.status = any(?::text[]) and d.attempts = i.attempts
           order by d.message_id
             for update of d
        )
        update delivery d
           set status = 'SCHEDULED', attempts = d.attempts - 1, ack_deadline = null,
               next_attempt_at = now()
          from locked l
         where d.subscription = ? and d.message_id = l.message_id
        """,
        leases.stream().map(Leased::messageId).toArray(UUID[]::new),
        leases.stream().mapToInt(Leased::attempt).toArray(),
        subscription,
        DeliveryLifecycle.guard(DeliveryStatus.SCHEDULED, DeliveryStatus.PUBLISHED),
        subscription);
  }

  /** A delivery leased to a caller: its attempt and when the lease ends. */
  public record Leased(UUID messageId, int attempt, Instant leaseExpiresAt) {}
}
