package io.rms.service.message;

import io.rms.api.DeliveryStatus;
import java.time.Instant;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The deferral of a push (docs/design.md, push): PUBLISHED → SCHEDULED, due at a given time, with
 * the attempt given back. The recovery sweep publishes a SCHEDULED delivery as attempt {@code
 * attempts + 1}, so the re-push carries the same {@code X-RMS-Attempt} and {@code attempts} does
 * not count the deferred one. Kept beside {@link DeliveryStore}'s transitions, in SQL with the same
 * compare-and-set guard.
 */
@Component
class DeliveryDeferrals {
  private final JdbcTemplate jdbc;

  DeliveryDeferrals(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * PUBLISHED (attempt {@code attempt}) → SCHEDULED with {@code attempts = attempt - 1}, due at
   * {@code until}, {@code reason} as the last error. False when the delivery moved on (acked, timed
   * out, or re-published with a newer attempt): this copy's outcome changes nothing.
   */
  boolean defer(UUID messageId, String subscription, int attempt, Instant until, String reason) {
    return jdbc.update(
            """
            update delivery
               set status = 'SCHEDULED', attempts = attempts - 1, ack_deadline = null,
                   next_attempt_at = ?, last_error = ?
             where message_id = ? and subscription = ? and status = any(?::text[])
               and attempts = ? and attempts >= 1
            """,
            java.sql.Timestamp.from(until),
            DeliveryStore.truncate(reason),
            messageId,
            subscription,
            DeliveryLifecycle.guard(DeliveryStatus.SCHEDULED, DeliveryStatus.PUBLISHED),
            attempt)
        == 1;
  }
}
