package io.rms.service.message;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.rms.api.BatchItemResult;
import io.rms.api.BatchResult;
import io.rms.api.ErrorCode;
import io.rms.api.Limits;
import io.rms.api.MessageStatus;
import io.rms.api.MessageView;
import io.rms.api.PrepareMessageRequest;
import io.rms.service.config.RmsProperties;
import io.rms.service.message.GroupCommit.Command;
import io.rms.service.problem.RmsProblem;
import io.rms.service.registry.AppInfo;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The producer's commands: prepare, confirm, cancel, send and their batches. Each runs in one
 * transaction of compare-and-set statements; refusals are recorded as events in that transaction
 * and thrown only after it committed; deliveries are handed to the dispatcher after commit.
 */
@Service
public class MessageCommands implements DisposableBean {
  private static final int CAS_ATTEMPTS = 5;

  private final MessageFactory factory;
  private final MessageStore messages;
  private final DeliveryStore deliveries;
  private final EventStore events;
  private final Registry registry;
  private final MessageViews views;
  private final DeliveryDispatcher dispatcher;
  private final TransactionTemplate tx;
  private final Duration checkAfter;
  private final Duration publishGrace;
  private final GroupCommit groupCommit;

  MessageCommands(
      MessageFactory factory,
      MessageStore messages,
      DeliveryStore deliveries,
      EventStore events,
      Registry registry,
      MessageViews views,
      DeliveryDispatcher dispatcher,
      HotPathTransactions transactions,
      RmsProperties properties,
      MeterRegistry meters) {
    this.factory = factory;
    this.messages = messages;
    this.deliveries = deliveries;
    this.events = events;
    this.registry = registry;
    this.views = views;
    this.dispatcher = dispatcher;
    this.tx = transactions.template();
    this.checkAfter = properties.checkBack().after();
    this.publishGrace = properties.dispatch().publishGrace();
    RmsProperties.GroupCommit group = properties.groupCommit();
    this.groupCommit =
        group.enabled()
            ? new GroupCommit(
                this::commit,
                group.committers(),
                group.maxBatch(),
                DistributionSummary.builder("rms.commit.calls")
                        .description("single API calls sharing one hot-path transaction")
                        .register(meters)
                    ::record)
            : null;
  }

  /** A message answer and whether the call created it (201) or found it (200). */
  public record Answer(MessageView message, boolean created) {}

  /** Prepare: a new PREPARED message, or the app's message with the same producerMessageId. */
  public Answer prepare(AppInfo app, PrepareMessageRequest request) {
    NewMessage message = factory.create(app, request);
    return answer(run(() -> prepare(message)));
  }

  /** Confirm (producer): PREPARED → CONFIRMED and publish; repeats are harmless. */
  public Answer confirm(AppInfo app, UUID id) {
    return answer(run(() -> confirm(id, app.id(), app.id())));
  }

  /** Cancel (producer): PREPARED → CANCELLED; repeats are harmless. */
  public Answer cancel(AppInfo app, UUID id) {
    return answer(run(() -> cancel(id, app.id(), app.id())));
  }

  /** Send: prepare and confirm in one step. */
  public Answer send(AppInfo app, PrepareMessageRequest request) {
    NewMessage message = factory.create(app, request);
    return answer(run(() -> send(message)));
  }

  /**
   * Confirm on behalf of the service or an operator (check-back COMMIT, operator resolve): the
   * message may belong to any app.
   */
  public Answer confirmAs(UUID id, String actor) {
    return answer(run(() -> confirm(id, null, actor)));
  }

  /** Cancel on behalf of the service or an operator. */
  public Answer cancelAs(UUID id, String actor) {
    return answer(run(() -> cancel(id, null, actor)));
  }

  /** Prepare up to 1,000 messages in one transaction; invalid items fail alone. */
  public BatchResult batchPrepare(AppInfo app, List<PrepareMessageRequest> items) {
    checkBatch(items);
    List<BatchItemResult> results = new ArrayList<>();
    List<NewMessage> valid = new ArrayList<>();
    List<Integer> validIndex = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      try {
        valid.add(factory.create(app, items.get(i)));
        validIndex.add(i);
        results.add(null);
      } catch (RmsProblem problem) {
        results.add(failed(i, null, problem));
      }
    }
    List<Outcome> outcomes = runAll(valid.stream().map(m -> (Command) () -> prepare(m)).toList());
    for (int k = 0; k < outcomes.size(); k++) {
      results.set(validIndex.get(k), item(validIndex.get(k), outcomes.get(k)));
    }
    return new BatchResult(results);
  }

  /** Confirm up to 1,000 messages in one transaction. */
  public BatchResult batchConfirm(AppInfo app, List<UUID> ids) {
    return batch(ids, id -> () -> confirm(id, app.id(), app.id()));
  }

  /** Cancel up to 1,000 messages in one transaction. */
  public BatchResult batchCancel(AppInfo app, List<UUID> ids) {
    return batch(ids, id -> () -> cancel(id, app.id(), app.id()));
  }

  // --- inside the transaction -------------------------------------------------------------

  private Outcome prepare(NewMessage m) {
    Optional<Instant> created = messages.insertPrepared(m, checkAfter);
    if (created.isPresent()) {
      return Outcome.of(stored(m, MessageStatus.PREPARED, created.get()), true, List.of());
    }
    return sameContent(m);
  }

  private Outcome send(NewMessage m) {
    List<SubscriptionInfo> subscriptions = registry.activeSubscriptions(m.topic());
    Optional<StoredMessage> created = messages.insertConfirmed(m, subscriptions.size());
    if (created.isEmpty()) {
      Outcome existing = sameContent(m);
      return existing.problem() != null
          ? existing
          : confirm(existing.message().id(), m.app(), m.app());
    }
    return Outcome.of(created.get(), true, schedule(created.get(), subscriptions));
  }

  private Outcome sameContent(NewMessage m) {
    StoredMessage existing =
        messages
            .findByProducerMessageId(m.app(), m.producerMessageId())
            .orElseThrow(() -> new IllegalStateException("conflicting row vanished"));
    if (!Arrays.equals(existing.contentHash(), m.contentHash())) {
      return Outcome.refused(
          existing,
          new RmsProblem(
              ErrorCode.IDEMPOTENCY_CONFLICT,
              "producerMessageId "
                  + m.producerMessageId()
                  + " is already used by message "
                  + existing.id()
                  + " with different content"));
    }
    return Outcome.unchanged(existing);
  }

  private Outcome confirm(UUID id, String app, String actor) {
    for (int i = 0; i < CAS_ATTEMPTS; i++) {
      StoredMessage current = messages.find(id, app).orElseThrow(() -> RmsProblem.notFound(id));
      switch (MessageLifecycle.outcome(current.status(), MessageStatus.CONFIRMED)) {
        case ALREADY_DONE -> {
          return Outcome.unchanged(current);
        }
        case CONFLICT -> {
          return conflict(current, "confirm", actor);
        }
        case APPLY -> {
          List<SubscriptionInfo> subscriptions = registry.activeSubscriptions(current.topic());
          Optional<StoredMessage> confirmed = messages.confirm(id, app, subscriptions.size());
          if (confirmed.isPresent()) {
            return Outcome.of(confirmed.get(), false, schedule(confirmed.get(), subscriptions));
          }
        }
      }
    }
    throw new IllegalStateException("confirm of " + id + " lost " + CAS_ATTEMPTS + " races");
  }

  private Outcome cancel(UUID id, String app, String actor) {
    for (int i = 0; i < CAS_ATTEMPTS; i++) {
      StoredMessage current = messages.find(id, app).orElseThrow(() -> RmsProblem.notFound(id));
      switch (MessageLifecycle.outcome(current.status(), MessageStatus.CANCELLED)) {
        case ALREADY_DONE -> {
          return Outcome.unchanged(current);
        }
        case CONFLICT -> {
          return conflict(current, "cancel", actor);
        }
        case APPLY -> {
          if (messages.cancel(id, app)) {
            return Outcome.unchanged(messages.find(id, app).orElseThrow());
          }
        }
      }
    }
    throw new IllegalStateException("cancel of " + id + " lost " + CAS_ATTEMPTS + " races");
  }

  private Outcome conflict(StoredMessage current, String command, String actor) {
    events.append(
        current.id(),
        EventType.CONFLICT,
        null,
        actor,
        Map.of("command", command, "status", current.status().name()));
    return Outcome.refused(
        current,
        new RmsProblem(
            ErrorCode.ILLEGAL_TRANSITION,
            "cannot " + command + " message " + current.id() + ": it is " + current.status()));
  }

  /** Creates the deliveries of a just-confirmed message; returns those to publish now. */
  private List<PublishRequest> schedule(StoredMessage m, List<SubscriptionInfo> subscriptions) {
    if (subscriptions.isEmpty()) {
      messages.completeWithoutDeliveries(m.id());
      events.append(m.id(), EventType.NO_SUBSCRIPTION, null, EventStore.SYSTEM, Map.of());
      return List.of();
    }
    List<String> now =
        deliveries.createScheduled(m.id(), subscriptions, m.deliverAfter(), publishGrace);
    List<PublishRequest> toPublish = new ArrayList<>(now.size());
    for (SubscriptionInfo s : subscriptions) {
      if (now.contains(s.name())) {
        toPublish.add(
            new PublishRequest(
                m.id(),
                s.name(),
                s.queue(),
                1,
                m.topic(),
                m.app(),
                m.businessKey(),
                m.orderingKey(),
                m.headers(),
                m.contentType(),
                m.payload(),
                m.createdAt(),
                s.ackTimeout()));
      }
    }
    return toPublish;
  }

  private static StoredMessage stored(NewMessage m, MessageStatus status, Instant createdAt) {
    return new StoredMessage(
        m.id(),
        m.app(),
        m.producerMessageId(),
        m.topic(),
        status,
        m.contentType(),
        m.payload(),
        m.contentHash(),
        m.businessKey(),
        m.orderingKey(),
        m.headers(),
        m.deliverAfter(),
        createdAt,
        null,
        null,
        0);
  }

  // --- transaction plumbing ---------------------------------------------------------------

  /**
   * Runs a single call's command: through the group commit (sharing a transaction with concurrent
   * calls) when it is on, else in a transaction of its own; then dispatches what it scheduled.
   */
  private Outcome run(Command command) {
    if (groupCommit == null) {
      return runAll(List.of(command)).get(0);
    }
    Outcome outcome = groupCommit.run(command.refusalAsOutcome());
    dispatch(List.of(outcome));
    return outcome;
  }

  /** Runs the commands in one transaction, then dispatches what they scheduled. */
  private List<Outcome> runAll(List<Command> commands) {
    if (commands.isEmpty()) {
      return List.of();
    }
    List<Outcome> outcomes = commit(commands);
    dispatch(outcomes);
    return outcomes;
  }

  /** Runs the commands in one transaction; returns their outcomes in order. */
  private List<Outcome> commit(List<Command> commands) {
    return tx.execute(
        status -> {
          List<Outcome> list = new ArrayList<>(commands.size());
          for (Command command : commands) {
            list.add(command.run());
          }
          return list;
        });
  }

  private void dispatch(List<Outcome> outcomes) {
    List<PublishRequest> toPublish = new ArrayList<>();
    outcomes.forEach(o -> toPublish.addAll(o.toPublish()));
    if (!toPublish.isEmpty()) {
      dispatcher.dispatch(toPublish);
    }
  }

  /** Lets the committers finish what is queued. */
  @Override
  public void destroy() {
    if (groupCommit != null) {
      groupCommit.close();
    }
  }

  private Answer answer(Outcome outcome) {
    if (outcome.problem() != null) {
      throw outcome.problem();
    }
    return new Answer(views.summary(outcome.message()), outcome.created());
  }

  private BatchResult batch(List<UUID> ids, java.util.function.Function<UUID, Command> command) {
    checkBatch(ids);
    List<BatchItemResult> results = new ArrayList<>();
    List<Command> commands = new ArrayList<>();
    List<Integer> index = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      UUID id = ids.get(i);
      if (id == null) {
        results.add(failed(i, null, new RmsProblem(ErrorCode.INVALID_ID, "null id")));
        continue;
      }
      results.add(null);
      index.add(i);
      commands.add(command.apply(id).refusalAsOutcome());
    }
    List<Outcome> outcomes = runAll(commands);
    for (int k = 0; k < outcomes.size(); k++) {
      results.set(index.get(k), item(index.get(k), outcomes.get(k)));
    }
    return new BatchResult(results);
  }

  private BatchItemResult item(int index, Outcome outcome) {
    if (outcome.problem() != null) {
      UUID id = outcome.message() == null ? null : outcome.message().id();
      return failed(index, id, outcome.problem());
    }
    StoredMessage m = outcome.message();
    return new BatchItemResult(
        index, m.id(), outcome.created() ? 201 : 200, m.status(), null, null);
  }

  private static BatchItemResult failed(int index, UUID id, RmsProblem problem) {
    return new BatchItemResult(
        index, id, problem.code().httpStatus(), null, problem.code().code(), problem.getMessage());
  }

  private static void checkBatch(List<?> items) {
    if (items == null || items.isEmpty()) {
      throw RmsProblem.invalid("a batch needs at least one item");
    }
    if (items.size() > Limits.MAX_BATCH) {
      throw new RmsProblem(
          ErrorCode.BATCH_TOO_LARGE,
          "a batch holds at most " + Limits.MAX_BATCH + " items, got " + items.size());
    }
  }
}
