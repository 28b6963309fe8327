package io.rms.service.message;

import io.rms.recovery.DeliveryKey;
import java.time.Duration;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The redelivery sweep's claims: deliveries whose {@code next_attempt_at} passed, leased with
 * {@code FOR UPDATE SKIP LOCKED} by one statement that also pushes {@code next_attempt_at} a lease
 * ahead, so concurrent instances never claim the same delivery. Paused subscriptions are skipped
 * (nothing is sent, and their ack clock stands still), and so are the SCHEDULED deliveries of pull
 * subscriptions (their consumers lease them; an expired lease is an overdue PUBLISHED delivery).
 */
@Component
public class DueLeases {
  /**
   * Each subscription that publishes (not paused, not pull) contributes its oldest due rows along
   * {@code delivery_pull_due} (subscription, next_attempt_at) where SCHEDULED, so a pull or paused
   * subscription's backlog, however long, is never read. Subscriptions are never deleted, so every
   * delivery's subscription is a row of {@code subscription}.
   */
  static final String DUE_TO_PUBLISH =
      """
      select d.message_id, d.subscription
        from subscription s,
             lateral (select message_id, subscription, next_attempt_at from delivery
                       where subscription = s.name and status = 'SCHEDULED'
                         and next_attempt_at <= now()
                       order by next_attempt_at
                       limit ?
                         for update skip locked) d
       where s.paused_at is null and s.delivery_mode <> 'pull'
       order by d.next_attempt_at
       limit ?
      """;

  /**
   * Along {@code delivery_due}; a paused subscription's PUBLISHED rows are few (what was in flight
   * when it paused), so filtering them afterwards reads little.
   */
  private static final String OVERDUE =
      """
      select message_id, subscription from delivery d
       where status = 'PUBLISHED' and next_attempt_at <= now()
         and not exists (
           select 1 from subscription s where s.name = d.subscription and s.paused_at is not null)
       order by next_attempt_at
       limit ?
         for update skip locked
      """;

  private static final String LEASE =
      """
      )
      update delivery d
         set next_attempt_at = now() + ? * interval '1 millisecond'
        from due
       where d.message_id = due.message_id and d.subscription = due.subscription
      returning d.message_id, d.subscription, d.attempts, d.last_error
      """;

  private final JdbcTemplate jdbc;

  DueLeases(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Up to {@code limit} SCHEDULED deliveries due to publish, oldest due first. */
  public List<DeliveryKey> dueToPublish(int limit, Duration lease) {
    return jdbc.query(
        "with due as (" + DUE_TO_PUBLISH + LEASE,
        DeliveryStore::key,
        limit,
        limit,
        lease.toMillis());
  }

  /** Up to {@code limit} PUBLISHED deliveries past their ack deadline, oldest first. */
  public List<DeliveryKey> overdue(int limit, Duration lease) {
    return jdbc.query(
        "with due as (" + OVERDUE + LEASE, DeliveryStore::key, limit, lease.toMillis());
  }
}
