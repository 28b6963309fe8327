package io.rms.service.message;

/**
 * The one SQL definition of a key's head (docs/design.md §5.1): on a subscription, the first
 * message of a key by {@code order_seq} that still holds the key there. Every query that finds a
 * head (the release, the stranded-key sweep, the held keys, a delivery's {@code waitingFor}) uses
 * it, so they cannot disagree about which message blocks a key.
 */
final class KeyHeads {
  private KeyHeads() {}

  /**
   * The condition that message {@code m} (an alias of {@code message}) still holds its key on the
   * subscription {@code subscription} (an SQL expression): it has a place in its key, and it is
   * {@code PREPARED} or {@code IN_DOUBT}, or {@code CONFIRMED} with its delivery there not yet
   * {@code ACKED} or {@code DISCARDED}. {@code CANCELLED} messages are skipped; {@code DELIVERED}
   * ones are finished.
   */
  static String holds(String m, String subscription) {
    return """
        %1$s.order_seq is not null
        and %1$s.status in ('PREPARED', 'IN_DOUBT', 'CONFIRMED')
        and (%1$s.status <> 'CONFIRMED' or exists (
              select 1 from delivery holder
               where holder.message_id = %1$s.id and holder.subscription = %2$s
                 and holder.status not in ('ACKED', 'DISCARDED')))"""
        .formatted(m, subscription);
  }
}
