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
import java.util.UUID;
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
     * The delivery is SCHEDULED with attempt {@code n - 1}: the broker's confirm of this copy is
     * not booked yet (it lands within moments), so wait rather than push or drop.
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

  PushDeliveries(
      DeliveryStore deliveries,
      MessageStore messages,
      MessageViews views,
      AckCommands acks,
      DeliveryDeferrals deferrals,
      EventStore events,
      Registry registry,
      HotPathTransactions transactions) {
    this.deliveries = deliveries;
    this.messages = messages;
    this.views = views;
    this.acks = acks;
    this.deferrals = deferrals;
    this.events = events;
    this.registry = registry;
    this.tx = transactions.template();
  }

  /** Where a copy of {@code attempt} of the message's delivery to the subscription stands. */
  public CopyState copyState(UUID messageId, String subscription, int attempt) {
    return deliveries
        .state(messageId, subscription)
        .map(
            state -> {
              if (state.status() == DeliveryStatus.PUBLISHED && state.attempts() == attempt) {
                return CopyState.CURRENT;
              }
              if (state.status() == DeliveryStatus.SCHEDULED && state.attempts() == attempt - 1) {
                return CopyState.NOT_BOOKED;
              }
              return CopyState.STALE;
            })
        .orElse(CopyState.STALE);
  }

  /** The message representation a push carries: without deliveries and events. */
  public Optional<MessageView> message(UUID messageId) {
    return messages.find(messageId, null).map(views::summary);
  }

  /**
   * The receiver answered 2xx: the delivery is acked by the same path as a consumer's ack (ordered
   * keys hand on, metrics count it). False when it was finished already.
   */
  public boolean delivered(SubscriptionInfo subscription, UUID messageId) {
    AppInfo app =
        registry
            .app(subscription.app())
            .orElseThrow(() -> new IllegalStateException("no app " + subscription.app()));
    return acks.ack(app, subscription.name(), List.of(messageId)).items().stream()
        .anyMatch(item -> item.outcome() == io.rms.api.AckOutcome.ACKED);
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
