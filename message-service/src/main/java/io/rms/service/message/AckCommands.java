package io.rms.service.message;

import io.rms.api.AckItemResult;
import io.rms.api.AckOutcome;
import io.rms.api.AckResult;
import io.rms.api.DeliveryStatus;
import io.rms.api.ErrorCode;
import io.rms.api.Limits;
import io.rms.api.NackRequest;
import io.rms.api.NackResult;
import io.rms.service.config.Jitter;
import io.rms.service.config.RmsProperties;
import io.rms.service.message.DeliveryStore.DeliveryState;
import io.rms.service.metrics.DeliveryMetrics;
import io.rms.service.problem.RmsProblem;
import io.rms.service.registry.AppInfo;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The consumer's commands: acks (batched, idempotent) and nacks. A consumer app may only touch its
 * own subscriptions.
 */
@Service
public class AckCommands {
  private static final int TX_ATTEMPTS = 3;

  private final Registry registry;
  private final DeliveryStore deliveries;
  private final MessageStore messages;
  private final EventStore events;
  private final TransactionTemplate tx;
  private final DeliveryMetrics metrics;
  private final Jitter jitter;
  private final OrderedKeys orderedKeys;
  private final KeyLocks keyLocks;
  private final DeliveryDispatcher dispatcher;
  private final Duration publishGrace;
  private final AckSpans spans;

  AckCommands(
      Registry registry,
      DeliveryStore deliveries,
      MessageStore messages,
      EventStore events,
      HotPathTransactions transactions,
      DeliveryMetrics metrics,
      Jitter jitter,
      OrderedKeys orderedKeys,
      KeyLocks keyLocks,
      DeliveryDispatcher dispatcher,
      RmsProperties properties,
      AckSpans spans) {
    this.spans = spans;
    this.orderedKeys = orderedKeys;
    this.keyLocks = keyLocks;
    this.dispatcher = dispatcher;
    this.publishGrace = properties.dispatch().publishGrace();
    this.registry = registry;
    this.deliveries = deliveries;
    this.messages = messages;
    this.events = events;
    this.tx = transactions.template();
    this.metrics = metrics;
    this.jitter = jitter;
  }

  /** Acknowledges the subscription's deliveries of these messages; acking twice is fine. */
  public AckResult ack(AppInfo app, String subscription, List<UUID> messageIds) {
    owned(app, subscription);
    if (messageIds == null || messageIds.isEmpty()) {
      throw RmsProblem.invalid("messageIds needs 1 to " + Limits.MAX_BATCH + " ids");
    }
    if (messageIds.size() > Limits.MAX_BATCH) {
      throw new RmsProblem(
          ErrorCode.BATCH_TOO_LARGE,
          "at most " + Limits.MAX_BATCH + " ids per ack, got " + messageIds.size());
    }
    if (messageIds.stream().anyMatch(Objects::isNull)) {
      throw new RmsProblem(ErrorCode.INVALID_ID, "messageIds holds a null");
    }
    long started = spans.start();
    UUID[] ids = messageIds.stream().distinct().sorted().toArray(UUID[]::new);
    boolean ordered =
        registry.subscription(subscription).map(SubscriptionInfo::ordered).orElse(false);
    Acked acked = retryingDeadlocks(() -> ackInTx(subscription, ids, ordered));
    if (!acked.released().isEmpty()) {
      dispatcher.dispatch(acked.released());
    }
    metrics.acked(subscription, acked.sinceConfirmMillis());
    Map<UUID, AckOutcome> outcome = acked.outcome();
    spans.record(subscription, started, outcome);
    List<AckItemResult> items = new ArrayList<>(messageIds.size());
    for (UUID id : messageIds) {
      items.add(new AckItemResult(id, outcome.get(id)));
    }
    return new AckResult(items);
  }

  /**
   * The outcome per id, for the newly acked ones the time since their message's confirm, and the
   * next messages of their ordering keys released by these acks.
   */
  private record Acked(
      Map<UUID, AckOutcome> outcome, long[] sinceConfirmMillis, List<PublishRequest> released) {}

  private Acked ackInTx(String subscription, UUID[] ids, boolean ordered) {
    return tx.execute(
        status -> {
          // on an ordered subscription an ack hands each key on to its next message, in this
          // transaction: no one can see the ack without the release. The keys are claimed before
          // the first row lock (KeyLocks).
          KeyLocks.Held keys =
              ordered ? keyLocks.claim(KeyLocks.Claim.ofMessages(Arrays.asList(ids))) : null;
          List<UUID> acked = deliveries.markAcked(subscription, ids);
          long[] sinceConfirm = messages.countFinishedDeliveries(acked);
          List<PublishRequest> released =
              ordered && !acked.isEmpty()
                  ? orderedKeys.release(keys.keysOf(acked), subscription, publishGrace)
                  : List.of();
          Set<UUID> now = new HashSet<>(acked);
          Map<UUID, DeliveryStatus> others =
              acked.size() < ids.length
                  ? deliveries.statuses(
                      subscription,
                      Arrays.stream(ids).filter(id -> !now.contains(id)).toArray(UUID[]::new))
                  : Map.of();
          Map<UUID, AckOutcome> result = new LinkedHashMap<>();
          for (UUID id : ids) {
            result.put(
                id,
                now.contains(id)
                    ? AckOutcome.ACKED
                    : ConsumerOutcomes.ackUnchanged(others.get(id)));
          }
          return new Acked(result, sinceConfirm, released);
        });
  }

  /**
   * Records a processing failure: with retry the delivery is scheduled again after the
   * subscription's backoff (or DEAD once its attempts are used up); without retry it is DEAD now. A
   * delivery that is finished or DEAD already is answered as it is; one that was never delivered
   * (WAITING) is refused with 409 {@code not-delivered} ({@link ConsumerOutcomes}).
   */
  public NackResult nack(AppInfo app, String subscription, NackRequest request) {
    SubscriptionInfo sub = owned(app, subscription);
    String reason = request.reason() == null ? "nacked" : request.reason();
    String actor = app.id();
    UUID id = request.messageId();
    return retryingDeadlocks(
        () ->
            tx.execute(
                status -> {
                  // the row stays locked to commit: the compare-and-set below acts on this state
                  DeliveryState state =
                      deliveries
                          .lockedState(id, subscription)
                          .orElseThrow(() -> RmsProblem.notFound(id));
                  return switch (ConsumerOutcomes.nack(state.status())) {
                    case REFUSE_NOT_DELIVERED -> throw notDelivered(id, subscription);
                    case ANSWER_STATUS -> new NackResult(id, state.status(), null);
                    case APPLY ->
                        nackOnce(sub, request, reason, actor, state, EventType.NACK)
                            .orElseThrow(
                                () ->
                                    new IllegalStateException(
                                        "the locked delivery " + id + " changed under its nack"));
                  };
                }));
  }

  /**
   * A push of attempt {@code attempt} failed (an error answer or a timeout): the nack-retry path
   * (the subscription's backoff, or DEAD once its attempts are used up), applied only while the
   * delivery is still PUBLISHED with that attempt, so the outcome of a copy whose delivery moved on
   * changes nothing. Empty when it moved on.
   */
  Optional<NackResult> pushFailed(SubscriptionInfo sub, UUID id, int attempt, String error) {
    NackRequest request = new NackRequest(id, error, true);
    return retryingDeadlocks(
        () ->
            tx.execute(
                status ->
                    deliveries
                        .lockedState(id, sub.name())
                        .filter(
                            state ->
                                state.status() == DeliveryStatus.PUBLISHED
                                    && state.attempts() == attempt)
                        .flatMap(
                            state ->
                                nackOnce(
                                    sub,
                                    request,
                                    error,
                                    EventStore.SYSTEM,
                                    state,
                                    EventType.PUSH_FAILED))));
  }

  private static RmsProblem notDelivered(UUID id, String subscription) {
    return new RmsProblem(
        ErrorCode.NOT_DELIVERED,
        "message "
            + id
            + " has not been delivered on "
            + subscription
            + " yet: it waits for an earlier message of its ordering key");
  }

  private Optional<NackResult> nackOnce(
      SubscriptionInfo sub,
      NackRequest request,
      String reason,
      String actor,
      DeliveryState state,
      String eventType) {
    UUID id = request.messageId();
    boolean retry = request.retryOrDefault();
    // SCHEDULED with no attempt booked: the consumer nacks copy 1, whose publish bookkeeping has
    // not landed yet (the ack path books it the same way)
    boolean firstCopy = state.status() == DeliveryStatus.SCHEDULED && state.attempts() == 0;
    int attempts = firstCopy ? 1 : state.attempts();
    Map<String, Object> detail = Map.of("reason", reason, "retry", retry, "attempt", attempts);
    if (retry && attempts < sub.maxAttempts()) {
      if (state.status() == DeliveryStatus.SCHEDULED && !firstCopy) {
        deliveries.recordError(id, sub.name(), reason);
        events.append(id, eventType, sub.name(), actor, detail);
        return Optional.of(new NackResult(id, DeliveryStatus.SCHEDULED, state.nextAttemptAt()));
      }
      Duration delay = sub.backoff().delay(attempts, jitter);
      Optional<Instant> rescheduled =
          firstCopy
              ? deliveries.rescheduleFirstCopy(id, sub.name(), delay, reason)
              : deliveries.reschedule(id, sub.name(), state, delay, reason);
      return rescheduled.map(
          next -> {
            events.append(id, eventType, sub.name(), actor, detail);
            return new NackResult(id, DeliveryStatus.SCHEDULED, next);
          });
    }
    if (!deliveries.markDead(id, sub.name(), state, attempts, reason)) {
      return Optional.empty();
    }
    events.append(id, eventType, sub.name(), actor, detail);
    events.append(
        id,
        EventType.DEAD,
        sub.name(),
        EventStore.SYSTEM,
        Map.of(
            "reason",
            retry ? "attempts exhausted" : "nacked without retry",
            "attempts",
            attempts,
            "lastError",
            reason));
    return Optional.of(new NackResult(id, DeliveryStatus.DEAD, null));
  }

  private SubscriptionInfo owned(AppInfo app, String subscription) {
    SubscriptionInfo sub =
        registry
            .subscription(subscription)
            .orElseThrow(
                () -> new RmsProblem(ErrorCode.NOT_FOUND, "no subscription " + subscription));
    if (!sub.app().equals(app.id())) {
      throw new RmsProblem(
          ErrorCode.FORBIDDEN, "subscription " + subscription + " belongs to another app");
    }
    return sub;
  }

  private static <T> T retryingDeadlocks(java.util.function.Supplier<T> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return work.get();
      } catch (PessimisticLockingFailureException e) {
        if (attempt >= TX_ATTEMPTS) {
          throw e;
        }
      }
    }
  }
}
