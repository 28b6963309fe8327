package io.rms.service.recovery;

import io.rms.api.AuditEvent;
import io.rms.api.AuditEventPage;
import io.rms.api.Decision;
import io.rms.api.DeliveryStatus;
import io.rms.api.DiscardRequest;
import io.rms.api.DiscardResult;
import io.rms.api.ErrorCode;
import io.rms.api.Limits;
import io.rms.api.MessageStatus;
import io.rms.api.MessageView;
import io.rms.api.RedeliverRequest;
import io.rms.api.RedeliverResult;
import io.rms.recovery.DeliveryKey;
import io.rms.service.config.RmsProperties;
import io.rms.service.message.DeliveryDispatcher;
import io.rms.service.message.DeliveryStore;
import io.rms.service.message.EventStore;
import io.rms.service.message.EventType;
import io.rms.service.message.MessageCommands;
import io.rms.service.message.MessageStore;
import io.rms.service.message.OrderedKeys;
import io.rms.service.message.PublishRequest;
import io.rms.service.message.StoredMessage;
import io.rms.service.problem.RmsProblem;
import io.rms.service.registry.AppInfo;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What operators do when recovery needs a human: resolve a PREPARED or IN_DOUBT message, publish
 * deliveries again (one, or a subscription's DEAD ones), read the audit history. Every action is an
 * event with its actor ({@code operator:<app id>} for API clients, {@code user:<name>} for
 * dashboard users), its target and its result.
 */
@Service
public class OperatorActions {
  private static final int DEFAULT_BULK = 100;
  private static final TypeReference<Map<String, Object>> OBJECTS = new TypeReference<>() {};

  private final MessageCommands commands;
  private final MessageStore messages;
  private final EventStore events;
  private final DeliveryStore deliveries;
  private final RedeliveryPublisher publisher;
  private final Registry registry;
  private final TransactionTemplate tx;
  private final JdbcTemplate jdbc;
  private final JsonMapper json;
  private final Duration lease;
  private final Duration grace;
  private final OrderedKeys orderedKeys;
  private final DeliveryDispatcher dispatcher;

  OperatorActions(
      MessageCommands commands,
      MessageStore messages,
      EventStore events,
      DeliveryStore deliveries,
      RedeliveryPublisher publisher,
      Registry registry,
      TransactionTemplate tx,
      JdbcTemplate jdbc,
      JsonMapper json,
      RmsProperties properties,
      OrderedKeys orderedKeys,
      DeliveryDispatcher dispatcher) {
    this.orderedKeys = orderedKeys;
    this.dispatcher = dispatcher;
    this.grace = properties.dispatch().publishGrace();
    this.commands = commands;
    this.messages = messages;
    this.events = events;
    this.deliveries = deliveries;
    this.publisher = publisher;
    this.registry = registry;
    this.tx = tx;
    this.jdbc = jdbc;
    this.json = json;
    this.lease = properties.recovery().lease();
  }

  /** The actor name of an operator app. */
  public static String actor(AppInfo operator) {
    return "operator:" + operator.id();
  }

  /**
   * COMMIT (confirm and dispatch) or ROLLBACK (cancel) a message of any app. Repeating a decision
   * that already took effect answers the message unchanged; a contradicting one is 409.
   */
  public MessageView resolve(AppInfo operator, UUID id, Decision decision) {
    return resolve(actor(operator), id, decision);
  }

  /** {@link #resolve(AppInfo, UUID, Decision)} for any actor, e.g. {@code user:<name>}. */
  public MessageView resolve(String actor, UUID id, Decision decision) {
    if (decision != Decision.COMMIT && decision != Decision.ROLLBACK) {
      throw RmsProblem.invalid("decision must be COMMIT or ROLLBACK");
    }
    StoredMessage before = messages.find(id, null).orElseThrow(() -> RmsProblem.notFound(id));
    try {
      MessageView after =
          decision == Decision.COMMIT
              ? commands.confirmAs(id, actor).message()
              : commands.cancelAs(id, actor).message();
      audit(
          id,
          decision,
          before.status(),
          after.status() == before.status() ? "unchanged" : "applied",
          actor);
      return after;
    } catch (RmsProblem problem) {
      audit(id, decision, before.status(), "refused: " + problem.code().code(), actor);
      throw problem;
    }
  }

  private void audit(UUID id, Decision decision, MessageStatus from, String result, String actor) {
    events.append(
        id,
        EventType.RESOLVE,
        null,
        actor,
        Map.of("decision", decision.name(), "from", from.name(), "result", result));
  }

  /**
   * Publishes deliveries again now: one (DEAD, PUBLISHED or SCHEDULED; an ACKED one is 409) or up
   * to {@code limit} DEAD deliveries of a subscription. A redelivered DEAD delivery gets one more
   * attempt; its attempt count keeps rising, so consumers see the history in {@code x-rms-attempt}.
   */
  public RedeliverResult redeliver(AppInfo operator, RedeliverRequest request) {
    return redeliver(actor(operator), request);
  }

  /** {@link #redeliver(AppInfo, RedeliverRequest)} for any actor, e.g. {@code user:<name>}. */
  public RedeliverResult redeliver(String actor, RedeliverRequest request) {
    requireSubscription(request.subscription());
    List<DeliveryStore.Rescheduled> picked =
        tx.execute(
            status -> {
              List<DeliveryStore.Rescheduled> list = pick(request);
              for (DeliveryStore.Rescheduled p : list) {
                events.append(
                    p.delivery().messageId(),
                    EventType.REDELIVER,
                    p.delivery().subscription(),
                    actor,
                    Map.of("from", p.previous().name(), "attempt", p.delivery().nextAttempt()));
              }
              return list;
            });
    List<DeliveryKey> keys = picked.stream().map(DeliveryStore.Rescheduled::delivery).toList();
    publisher.publish(keys);
    List<RedeliverResult.Item> items = new ArrayList<>(picked.size());
    for (DeliveryStore.Rescheduled p : picked) {
      items.add(
          new RedeliverResult.Item(
              p.delivery().messageId(),
              p.delivery().subscription(),
              p.previous(),
              p.delivery().nextAttempt()));
    }
    return new RedeliverResult(items);
  }

  private List<DeliveryStore.Rescheduled> pick(RedeliverRequest request) {
    if (request.messageId() != null) {
      List<DeliveryStore.Rescheduled> one =
          deliveries.rescheduleNow(
              request.messageId(),
              request.subscription(),
              List.of(DeliveryStatus.DEAD, DeliveryStatus.PUBLISHED, DeliveryStatus.SCHEDULED),
              1,
              lease);
      if (one.isEmpty()) {
        throw notApplicable("redeliver", request.messageId(), request.subscription());
      }
      return one;
    }
    int limit = bulkLimit("redeliver", request.status(), request.limit());
    return deliveries.rescheduleNow(
        null, request.subscription(), List.of(DeliveryStatus.DEAD), limit, lease);
  }

  /**
   * Gives up on DEAD deliveries: one, or up to {@code limit} of a subscription's. Each becomes
   * DISCARDED (final, a {@code DISCARD} event with the actor), counts as finished for its message
   * (a message whose deliveries are all acked or discarded is DELIVERED, so retention deletes it),
   * and on an ordered subscription releases the next message of its key in the same transaction.
   */
  public DiscardResult discard(AppInfo operator, DiscardRequest request) {
    return discard(actor(operator), request);
  }

  /** {@link #discard(AppInfo, DiscardRequest)} for any actor, e.g. {@code user:<name>}. */
  public DiscardResult discard(String actor, DiscardRequest request) {
    SubscriptionInfo subscription = requireSubscription(request.subscription());
    int limit =
        request.messageId() != null ? 1 : bulkLimit("discard", request.status(), request.limit());
    DiscardOutcome done =
        retryingLockFailures(() -> discardInTx(actor, request, subscription, limit));
    if (!done.released().isEmpty()) {
      dispatcher.dispatch(done.released());
    }
    return new DiscardResult(
        done.discarded().stream()
            .map(
                d ->
                    new DiscardResult.Discarded(
                        d.messageId(), d.subscription(), d.attempts(), d.lastError()))
            .toList(),
        done.released().size());
  }

  private DiscardOutcome discardInTx(
      String actor, DiscardRequest request, SubscriptionInfo subscription, int limit) {
    return tx.execute(
        status -> {
          if (subscription.ordered()) {
            // the keys first, before the first row lock (KeyLocks)
            orderedKeys.claimDead(request.messageId(), subscription.name(), limit);
          }
          List<DeliveryKey> discarded =
              deliveries.discard(request.messageId(), subscription.name(), limit);
          if (discarded.isEmpty() && request.messageId() != null) {
            throw notApplicable("discard", request.messageId(), subscription.name());
          }
          List<UUID> ids = discarded.stream().map(DeliveryKey::messageId).toList();
          messages.countFinishedDeliveries(ids);
          for (DeliveryKey d : discarded) {
            events.append(
                d.messageId(),
                EventType.DISCARD,
                d.subscription(),
                actor,
                Map.of("from", DeliveryStatus.DEAD.name(), "attempts", d.attempts()));
          }
          List<PublishRequest> released =
              subscription.ordered() && !ids.isEmpty()
                  ? orderedKeys.releaseAfter(ids, subscription.name(), grace)
                  : List.of();
          return new DiscardOutcome(discarded, released);
        });
  }

  /** Runs {@code work} again (up to three times) when it lost a lock race and rolled back. */
  private static <T> T retryingLockFailures(java.util.function.Supplier<T> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return work.get();
      } catch (org.springframework.dao.PessimisticLockingFailureException lost) {
        if (attempt >= 3) {
          throw lost;
        }
      }
    }
  }

  private record DiscardOutcome(List<DeliveryKey> discarded, List<PublishRequest> released) {}

  private SubscriptionInfo requireSubscription(String name) {
    if (name == null || name.isBlank()) {
      throw RmsProblem.invalid("subscription is required");
    }
    return registry
        .subscription(name)
        .orElseThrow(() -> new RmsProblem(ErrorCode.NOT_FOUND, "no subscription " + name));
  }

  /** A bulk action's size: it needs status DEAD and a limit of 1 to 1,000 (default 100). */
  private static int bulkLimit(String action, DeliveryStatus status, Integer requested) {
    if (status != DeliveryStatus.DEAD) {
      throw RmsProblem.invalid(
          "bulk " + action + " needs status DEAD (or a messageId for one delivery)");
    }
    int limit = requested == null ? DEFAULT_BULK : requested;
    if (limit < 1 || limit > Limits.MAX_BATCH) {
      throw RmsProblem.invalid("limit must be 1 to " + Limits.MAX_BATCH);
    }
    return limit;
  }

  /** 404 when the message has no delivery there, else 409 naming the status that refused it. */
  private RmsProblem notApplicable(String action, UUID messageId, String subscription) {
    String delivery = messageId + "/" + subscription;
    return deliveries
        .status(messageId, subscription)
        .map(
            status ->
                new RmsProblem(
                    ErrorCode.ILLEGAL_TRANSITION,
                    "cannot " + action + " delivery " + delivery + ": it is " + status))
        .orElseGet(() -> RmsProblem.notFound(delivery));
  }

  /** Events newest first, optionally of one message or one type; keyset on the event id. */
  public AuditEventPage events(UUID messageId, String type, String cursor, Integer limit) {
    int size = limit == null ? 100 : limit;
    if (size < 1 || size > Limits.MAX_BATCH) {
      throw RmsProblem.invalid("limit must be 1 to " + Limits.MAX_BATCH);
    }
    Long before;
    try {
      before = cursor == null || cursor.isBlank() ? null : Long.valueOf(cursor);
    } catch (NumberFormatException e) {
      throw new RmsProblem(ErrorCode.INVALID_ID, "cursor is not one this service issued");
    }
    List<AuditEvent> items =
        jdbc.query(
            """
            select id, message_id, at, type, subscription, actor, detail::text as detail
              from message_event
             where (?::uuid is null or message_id = ?) and (?::text is null or type = ?)
               and (?::bigint is null or id < ?)
             order by id desc
             limit ?
            """,
            (rs, i) -> {
              String detail = rs.getString("detail");
              return new AuditEvent(
                  rs.getLong("id"),
                  rs.getObject("message_id", UUID.class),
                  rs.getTimestamp("at").toInstant(),
                  rs.getString("type"),
                  rs.getString("subscription"),
                  rs.getString("actor"),
                  detail == null ? Map.of() : new LinkedHashMap<>(json.readValue(detail, OBJECTS)));
            },
            messageId,
            messageId,
            type,
            type,
            before,
            before,
            size);
    String next = items.size() == size ? Long.toString(items.get(items.size() - 1).id()) : null;
    return new AuditEventPage(items, next);
  }
}
