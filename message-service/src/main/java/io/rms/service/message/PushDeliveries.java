package io.rms.service.message;

import io.rms.api.DeliveryStatus;
import io.rms.api.MessageView;
import io.rms.api.NackResult;
import io.rms.service.registry.AppInfo;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * The delivery state machine's verbs for the push adapter (docs/design.md, push). The adapter only
 * carries a copy to a URL and reports the answer; whether the copy is still the current attempt,
 * what an answer does to the delivery, attempts and ordering all stay here and in the
 * compare-and-set SQL beside {@link DeliveryStore}.
 */
@Service
public class PushDeliveries {

  /** Where a copy of attempt {@code n} stands against its delivery's row. */
  public enum CopyState {
    /** The delivery is PUBLISHED with attempt {@code n}: this copy is the one to push. */
    CURRENT,
    /**
     * The delivery is SCHEDULED with no attempt and was never published (copy 1 whose broker
     * confirm is not booked yet): nothing but this copy's own publish can have happened to it, so
     * the copy may be pushed at once; only booking a failure or a deferral needs the confirm's
     * booking first (those are compare-and-set on PUBLISHED with the attempt).
     */
    FIRST_NOT_BOOKED,
    /**
     * The delivery is SCHEDULED with attempt {@code n - 1} after an earlier attempt or a deferral
     * (the same row shape either way): the broker's confirm of this copy may not be booked yet (it
     * lands within moments), or the copy is the twin of one whose push was deferred; so wait for
     * the booking rather than push or drop.
     */
    NOT_BOOKED,
    /**
     * Acked, dead, discarded, deferred or re-published with another attempt: the copy is dropped
     * unpushed (another copy, or nothing, is due).
     */
    STALE
  }

  private final DeliveryStore deliveries;
  private final MessageStore messages;
  private final MessageViews views;
  private final AckCommands acks;
  private final DeliveryDeferrals deferrals;
  private final EventStore events;
  private final Registry registry;
  private final org.springframework.transaction.support.TransactionTemplate tx;
  private final JdbcTemplate jdbc;

  PushDeliveries(
      DeliveryStore deliveries,
      MessageStore messages,
      MessageViews views,
      AckCommands acks,
      DeliveryDeferrals deferrals,
      EventStore events,
      Registry registry,
      HotPathTransactions transactions,
      JdbcTemplate jdbc) {
    this.jdbc = jdbc;
    this.deliveries = deliveries;
    this.messages = messages;
    this.views = views;
    this.acks = acks;
    this.deferrals = deferrals;
    this.events = events;
    this.registry = registry;
    this.tx = transactions.template();
  }

  /**
   * A copy to push: where it stands and the message representation it carries (without deliveries
   * and events; null for a STALE copy, which is never pushed).
   */
  public record Copy(CopyState state, MessageView view) {}

  /**
   * Where a copy of {@code attempt} of the message's delivery to the subscription stands, with the
   * message, read in one statement (delivery joined with its message).
   */
  public Copy copy(UUID messageId, String subscription, int attempt) {
    return jdbc
        .query(
            """
            select d.status as delivery_status, d.attempts as delivery_attempts,
                   d.published_at is null as never_published, m.*
              from delivery d
              join lateral (select
            """
                + MessageStore.COLUMNS
                + """
                  from message where id = d.message_id) m on true
             where d.message_id = ? and d.subscription = ?
            """,
            (rs, i) -> {
              CopyState state =
                  state(
                      DeliveryStatus.valueOf(rs.getString("delivery_status")),
                      rs.getInt("delivery_attempts"),
                      rs.getBoolean("never_published"),
                      attempt);
              return new Copy(
                  state,
                  state == CopyState.STALE
                      ? null
                      : views.summary(messages.rowMapper().mapRow(rs, i)));
            },
            messageId,
            subscription)
        .stream()
        .findFirst()
        .orElse(new Copy(CopyState.STALE, null));
  }

  /**
   * Where a copy of {@code attempt} stands, from the delivery row alone (the wait for a booking).
   */
  public CopyState copyState(UUID messageId, String subscription, int attempt) {
    return deliveries
        .state(messageId, subscription)
        .map(state -> state(state.status(), state.attempts(), false, attempt))
        .orElse(CopyState.STALE);
  }

  private static CopyState state(
      DeliveryStatus status, int attempts, boolean neverPublished, int attempt) {
    if (status == DeliveryStatus.PUBLISHED && attempts == attempt) {
      return CopyState.CURRENT;
    }
    if (status == DeliveryStatus.SCHEDULED && attempts == attempt - 1) {
      return attempt == 1 && neverPublished ? CopyState.FIRST_NOT_BOOKED : CopyState.NOT_BOOKED;
    }
    return CopyState.STALE;
  }

  /**
   * The receiver answered 2xx to the pushes of these messages: their deliveries are acked in one
   * transaction, by the same path as a consumer's ack (ordered keys hand on, for every id of the
   * batch; metrics count it). Returns the ids acked by this call; the others were finished already.
   * At most {@link io.rms.api.Limits#MAX_BATCH} ids.
   */
  public Set<UUID> delivered(SubscriptionInfo subscription, List<UUID> messageIds) {
    AppInfo app =
        registry
            .app(subscription.app())
            .orElseThrow(() -> new IllegalStateException("no app " + subscription.app()));
    return acks.ack(app, subscription.name(), messageIds).items().stream()
        .filter(item -> item.outcome() == io.rms.api.AckOutcome.ACKED)
        .map(io.rms.api.AckItemResult::messageId)
        .collect(Collectors.toSet());
  }

  /**
   * The push failed (error answer, timeout, refused target): a failed attempt with the
   * subscription's backoff, DEAD when the attempts are used up. Empty when the delivery moved on.
   */
  public Optional<NackResult> failed(
      SubscriptionInfo subscription, UUID messageId, int attempt, String error) {
    return acks.pushFailed(subscription, messageId, attempt, error);
  }

  /**
   * The push waits until {@code until} without using an attempt (Retry-After, or an open circuit):
   * the re-push carries the same attempt number. False when the delivery moved on.
   */
  public boolean deferred(
      SubscriptionInfo subscription, UUID messageId, int attempt, Instant until, String reason) {
    return Boolean.TRUE.equals(
        tx.execute(
            status -> {
              if (!deferrals.defer(messageId, subscription.name(), attempt, until, reason)) {
                return false;
              }
              events.append(
                  messageId,
                  EventType.PUSH_DEFERRED,
                  subscription.name(),
                  EventStore.SYSTEM,
                  Map.of("reason", reason, "attempt", attempt, "until", until.toString()));
              return true;
            }));
  }
}
