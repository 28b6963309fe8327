package io.rms.service.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.recovery.RetentionSweep;
import io.rms.service.testing.IntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Retention removes finished messages past the retention period and nothing else. */
class RetentionTest extends IntegrationTest {
  @Autowired RetentionSweep sweep;

  private UUID message(String status, String finishedAgo, String createdAgo) {
    UUID id = UUID.randomUUID();
    jdbc.update(
        """
        insert into message (id, app_id, topic, status, content_type, payload, content_hash,
                             created_at, finished_at)
        values (?, 'orders', 'order.created', ?, 'application/json', '{}'::bytea, '\\x00'::bytea,
                now() - ?::interval, now() - ?::interval)
        """,
        id,
        status,
        createdAgo,
        finishedAgo);
    if (finishedAgo == null) {
      jdbc.update("update message set finished_at = null where id = ?", id);
    }
    jdbc.update(
        "insert into delivery (message_id, subscription, status) values (?, 'cart.order-created', ?)",
        id,
        status.equals("DELIVERED") ? "ACKED" : "DEAD");
    jdbc.update(
        "insert into message_event (message_id, type, actor) values (?, 'NACK', 'cart')", id);
    return id;
  }

  private boolean exists(UUID id) {
    return jdbc.queryForObject(
        "select exists (select 1 from message where id = ?)", Boolean.class, id);
  }

  private int children(UUID id) {
    return jdbc.queryForObject(
        """
        select (select count(*) from delivery where message_id = ?)
             + (select count(*) from message_event where message_id = ?)
        """,
        Integer.class,
        id,
        id);
  }

  @Test
  void removesOnlyFinishedMessagesOlderThanTheRetentionWithTheirDeliveriesAndEvents() {
    UUID oldDelivered = message("DELIVERED", "8 days", "9 days");
    UUID oldCancelled = message("CANCELLED", "7 days 1 hour", "8 days");
    UUID recentDelivered = message("DELIVERED", "6 days", "30 days");
    UUID oldConfirmed = message("CONFIRMED", null, "30 days");
    UUID oldInDoubt = message("IN_DOUBT", null, "30 days");

    assertThat(sweep.run()).isGreaterThanOrEqualTo(2);

    assertThat(exists(oldDelivered)).isFalse();
    assertThat(exists(oldCancelled)).isFalse();
    assertThat(children(oldDelivered) + children(oldCancelled)).isZero();
    assertThat(exists(recentDelivered)).isTrue();
    assertThat(exists(oldConfirmed)).as("unfinished work is never removed").isTrue();
    assertThat(exists(oldInDoubt)).isTrue();
    assertThat(children(recentDelivered)).isEqualTo(2);
    assertThat(sweep.run()).as("nothing left to remove").isZero();
  }
}
