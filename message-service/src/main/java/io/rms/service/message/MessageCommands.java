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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.PessimisticLockingFailureException;
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
  private final OrderedKeys orderedKeys;
  private final KeyLocks keyLocks;
  private final CommandSpans spans;
  private final SetStatement<NewMessage> prepares = this::prepareAll;
  private final SetStatement<ConfirmTarget> confirms = this::confirmAll;

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
      MeterRegistry meters,
      OrderedKeys orderedKeys,
      KeyLocks keyLocks,
      CommandSpans spans) {
    this.factory = factory;
    this.spans = spans;
    this.keyLocks = keyLocks;
    this.orderedKeys = orderedKeys;
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
    long started = spans.start();
    return answer(
        traced(CommandSpans.PREPARE, started, run(prepareCommand(factory.create(app, request)))));
  }

  /** Confirm (producer): PREPARED → CONFIRMED and publish; repeats are harmless. */
  public Answer confirm(AppInfo app, UUID id) {
    long started = spans.start();
    return answer(
        traced(CommandSpans.CONFIRM, started, run(confirmCommand(id, app.id(), app.id()))));
  }

  /** Cancel (producer): PREPARED → CANCELLED; repeats are harmless. */
  public Answer cancel(AppInfo app, UUID id) {
    long started = spans.start();
    return answer(traced(CommandSpans.CANCEL, started, run(cancelCommand(id, app.id(), app.id()))));
  }

  /** Send: prepare and confirm in one step. */
  public Answer send(AppInfo app, PrepareMessageRequest request) {
    long started = spans.start();
    NewMessage message = factory.create(app, request);
    return answer(
        traced(
            CommandSpans.SEND,
            started,
            run(Command.claiming(claimOf(message), () -> sendStep(message)))));
  }

  /**
   * Confirm on behalf of the service or an operator (check-back COMMIT, operator resolve): the
   * message may belong to any app.
   */
  public Answer confirmAs(UUID id, String actor) {
    long started = spans.start();
    return answer(traced(CommandSpans.CONFIRM, started, run(confirmCommand(id, null, actor))));
  }

  /** Cancel on behalf of the service or an operator. */
  public Answer cancelAs(UUID id, String actor) {
    long started = spans.start();
    return answer(traced(CommandSpans.CANCEL, started, run(cancelCommand(id, null, actor))));
  }

  /** Prepare up to 1,000 messages in one transaction; invalid items fail alone. */
  public BatchResult batchPrepare(AppInfo app, List<PrepareMessageRequest> items) {
    checkBatch(items);
    long started = spans.start();
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
    List<Outcome> outcomes = runAll(valid.stream().map(this::prepareCommand).toList());
    spans.recordAll(CommandSpans.PREPARE, started, outcomes);
    for (int k = 0; k < outcomes.size(); k++) {
      results.set(validIndex.get(k), item(validIndex.get(k), outcomes.get(k)));
    }
    return new BatchResult(results);
  }

  /** Confirm up to 1,000 messages in one transaction. */
  public BatchResult batchConfirm(AppInfo app, List<UUID> ids) {
    return batch(CommandSpans.CONFIRM, ids, id -> confirmCommand(id, app.id(), app.id()));
  }

  /** Cancel up to 1,000 messages in one transaction. */
  public BatchResult batchCancel(AppInfo app, List<UUID> ids) {
    return batch(CommandSpans.CANCEL, ids, id -> cancelCommand(id, app.id(), app.id()));
  }

  // --- steps: each runs inside the transaction that run/runAll/commit opened ---------------
  // (the public commands above open it; a step never does)

  private Outcome sendStep(NewMessage m) {
    List<SubscriptionInfo> subscriptions = registry.activeSubscriptions(m.topic());
    boolean ordered = orderedKeys.ordered(m.topic(), m.orderingKey());
    if (ordered) {
      orderedKeys.lock(List.of(new OrderedKeys.Key(m.topic(), m.orderingKey())));
    }
    Optional<StoredMessage> created = messages.insertConfirmed(m, subscriptions.size(), ordered);
    if (created.isEmpty()) {
      Outcome existing = sameContent(m);
      return existing.problem() != null
          ? existing
          : confirmStep(existing.message().id(), m.app(), m.app());
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

  private Outcome confirmStep(UUID id, String app, String actor) {
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

  private Outcome cancelStep(UUID id, String app, String actor) {
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
            // a cancelled message holds its key back no more: the next one may be released
            List<PublishRequest> released =
                orderedKeys.release(OrderedKeys.keysOf(List.of(current)), null, publishGrace);
            return Outcome.of(messages.find(id, app).orElseThrow(), false, released);
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
    return scheduleAll(List.of(m), message -> subscriptions).getOrDefault(m.id(), List.of());
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
        0,
        null,
        m.trace() == null ? null : m.trace().traceparent(),
        m.trace() == null ? null : m.trace().tracestate());
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

  /**
   * Runs the commands in one transaction; returns their outcomes in order. Set-based commands of
   * one kind (prepares, confirms) run as one statement per kind (their order inside the transaction
   * does not matter: they came from concurrent calls or from one batch of one kind); the rest run
   * one by one.
   */
  private List<Outcome> commit(List<Command> commands) {
    KeyLocks.Claim learned = KeyLocks.Claim.NONE;
    for (int attempt = 1; ; attempt++) {
      try {
        return commitOnce(commands, learned);
      } catch (PessimisticLockingFailureException lost) {
        // a key the transaction had not claimed was busy (it is claimed on the retry), or a row
        // lock lost a race; the transaction rolled back entirely, so running it again is safe
        if (attempt == CAS_ATTEMPTS) {
          throw lost;
        }
        if (lost instanceof KeyNotClaimedException missed) {
          learned = learned.plus(new KeyLocks.Claim(missed.keys(), Set.of()));
        }
      }
    }
  }

  /**
   * One transaction of the commands: first it claims every ordering key they may lock, in one
   * statement (before any row lock: {@link KeyLocks}), then runs them.
   */
  private List<Outcome> commitOnce(List<Command> commands, KeyLocks.Claim learned) {
    return tx.execute(
        status -> {
          KeyLocks.Claim claim = learned;
          for (Command c : commands) {
            claim = claim.plus(c.claim());
          }
          keyLocks.claim(claim);
          Outcome[] outcomes = new Outcome[commands.size()];
          Map<SetStatement<?>, List<Integer>> groups = new LinkedHashMap<>();
          for (int i = 0; i < commands.size(); i++) {
            if (commands.get(i) instanceof SetBased<?> setBased) {
              groups.computeIfAbsent(setBased.statement, k -> new ArrayList<>()).add(i);
            } else {
              outcomes[i] = commands.get(i).run();
            }
          }
          groups.forEach(
              (statement, indexes) -> {
                List<Outcome> done = statement.runAll(indexes.stream().map(commands::get).toList());
                for (int k = 0; k < indexes.size(); k++) {
                  outcomes[indexes.get(k)] = done.get(k);
                }
              });
          return List.of(outcomes);
        });
  }

  /** Runs many items of one kind with one statement; answers one outcome per item, in order. */
  @FunctionalInterface
  private interface SetStatement<T> {
    List<Outcome> run(List<T> items);

    @SuppressWarnings("unchecked")
    default List<Outcome> runAll(List<Command> commands) {
      return run(commands.stream().map(c -> ((SetBased<T>) c).item).toList());
    }
  }

  /** One item of a set-based command; a refusal is its outcome, never thrown. */
  private static final class SetBased<T> implements Command {
    private final SetStatement<T> statement;
    private final T item;
    private final KeyLocks.Claim claim;

    SetBased(SetStatement<T> statement, T item, KeyLocks.Claim claim) {
      this.statement = statement;
      this.item = item;
      this.claim = claim;
    }

    @Override
    public Outcome run() {
      return statement.run(List.of(item)).get(0);
    }

    @Override
    public KeyLocks.Claim claim() {
      return claim;
    }

    @Override
    public Command refusalAsOutcome() {
      return this;
    }
  }

  /** A confirm's target: the message, the app it must belong to (null: any) and who asks. */
  private record ConfirmTarget(UUID id, String app, String actor) {}

  private Command prepareCommand(NewMessage message) {
    return new SetBased<>(prepares, message, claimOf(message));
  }

  private Command confirmCommand(UUID id, String app, String actor) {
    return new SetBased<>(
        confirms, new ConfirmTarget(id, app, actor), KeyLocks.Claim.ofMessages(List.of(id)));
  }

  private Command cancelCommand(UUID id, String app, String actor) {
    return Command.claiming(
        KeyLocks.Claim.ofMessages(List.of(id)), () -> cancelStep(id, app, actor));
  }

  /** The key a new message takes a place in, if it is ordered when prepared now. */
  private KeyLocks.Claim claimOf(NewMessage m) {
    return orderedKeys.ordered(m.topic(), m.orderingKey())
        ? KeyLocks.Claim.ofKey(new OrderedKeys.Key(m.topic(), m.orderingKey()))
        : KeyLocks.Claim.NONE;
  }

  /** Inserts the messages in one statement; a taken producerMessageId is compared per message. */
  private List<Outcome> prepareAll(List<NewMessage> ms) {
    Boolean[] ordered = new Boolean[ms.size()];
    List<OrderedKeys.Key> keys = new ArrayList<>();
    for (int i = 0; i < ms.size(); i++) {
      NewMessage m = ms.get(i);
      ordered[i] = orderedKeys.ordered(m.topic(), m.orderingKey());
      if (ordered[i]) {
        keys.add(new OrderedKeys.Key(m.topic(), m.orderingKey()));
      }
    }
    // places in a key are drawn under its lock, so their order is the order prepares commit
    orderedKeys.lock(keys);
    Map<UUID, Instant> created = messages.insertPreparedAll(ms, checkAfter, ordered);
    List<Outcome> outcomes = new ArrayList<>(ms.size());
    for (NewMessage m : ms) {
      Instant at = created.get(m.id());
      outcomes.add(
          at != null
              ? Outcome.of(stored(m, MessageStatus.PREPARED, at), true, List.of())
              : sameContent(m));
    }
    return outcomes;
  }

  /**
   * Compare-and-set first: confirms every message that is still confirmable in one statement and
   * creates all their deliveries in a second; only the ids it did not change are read, to answer a
   * repeat (unchanged), a conflict (409, recorded) or an unknown id (404).
   */
  private List<Outcome> confirmAll(List<ConfirmTarget> commands) {
    Map<String, List<SubscriptionInfo>> byTopic = registry.activeSubscriptionsByTopic();
    Map<String, Integer> pending = new HashMap<>();
    byTopic.forEach((topic, subs) -> pending.put(topic, subs.size()));
    List<StoredMessage> won =
        messages.confirmAll(
            commands.stream().map(ConfirmTarget::id).toList(),
            commands.stream().map(ConfirmTarget::app).toList(),
            pending);
    Map<UUID, StoredMessage> confirmed = new HashMap<>();
    won.forEach(m -> confirmed.put(m.id(), m));
    Map<UUID, List<PublishRequest>> toPublish =
        scheduleAll(won, m -> byTopic.getOrDefault(m.topic(), List.of()));
    List<Outcome> outcomes = new ArrayList<>(commands.size());
    for (ConfirmTarget c : commands) {
      StoredMessage m = confirmed.remove(c.id());
      if (m != null) {
        outcomes.add(Outcome.of(m, false, toPublish.getOrDefault(m.id(), List.of())));
      } else {
        outcomes.add(refusalAsOutcome(() -> confirmStep(c.id(), c.app(), c.actor())));
      }
    }
    return outcomes;
  }

  private static Outcome refusalAsOutcome(Command command) {
    try {
      return command.run();
    } catch (RmsProblem problem) {
      return new Outcome(null, false, problem, List.of());
    }
  }

  /**
   * Creates the deliveries of just-confirmed messages in one statement; returns, per message, those
   * to publish now. A message whose topic has no subscription left is finished at once.
   */
  private Map<UUID, List<PublishRequest>> scheduleAll(
      List<StoredMessage> confirmed,
      java.util.function.Function<StoredMessage, List<SubscriptionInfo>> subscriptionsOf) {
    if (confirmed.isEmpty()) {
      return Map.of();
    }
    List<DeliveryStore.NewDelivery> pairs = new ArrayList<>();
    List<String[]> waiting = new ArrayList<>();
    Map<String, SubscriptionInfo> subscriptions = new HashMap<>();
    Map<UUID, StoredMessage> byId = new HashMap<>();
    for (StoredMessage m : confirmed) {
      List<SubscriptionInfo> subs = subscriptionsOf.apply(m);
      if (subs.isEmpty()) {
        if (!messages.completeWithoutDeliveries(m.id())) {
          throw new IllegalStateException(m.id() + " was confirmed in this transaction");
        }
        events.append(m.id(), EventType.NO_SUBSCRIPTION, null, EventStore.SYSTEM, Map.of());
        continue;
      }
      byId.put(m.id(), m);
      for (SubscriptionInfo s : subs) {
        subscriptions.put(s.name(), s);
        boolean waits = s.ordered() && m.orderSeq() != null;
        pairs.add(new DeliveryStore.NewDelivery(m.id(), s.name(), m.deliverAfter(), waits));
        if (waits) {
          waiting.add(new String[] {s.name(), m.topic(), m.orderingKey()});
        }
      }
    }
    Map<UUID, List<PublishRequest>> toPublish = new HashMap<>();
    List<DeliveryStore.NewDelivery> now =
        pairs.isEmpty() ? List.of() : deliveries.createScheduledAll(pairs, publishGrace);
    for (DeliveryStore.NewDelivery d : now) {
      toPublish
          .computeIfAbsent(d.messageId(), k -> new ArrayList<>())
          .add(PublishRequest.of(byId.get(d.messageId()), subscriptions.get(d.subscription()), 1));
    }
    // a confirmed message that is its key's head is released at once; a message confirmed without
    // a delivery on an ordered subscription (inactive there, or finished without any) releases
    // the next message of its key there, which goes out with the first confirmed message
    UUID first = confirmed.get(0).id();
    for (PublishRequest head :
        orderedKeys.releaseConfirmed(OrderedKeys.keysOf(confirmed), waiting, publishGrace, byId)) {
      UUID with = byId.containsKey(head.messageId()) ? head.messageId() : first;
      toPublish.computeIfAbsent(with, k -> new ArrayList<>()).add(head);
    }
    return toPublish;
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

  private BatchResult batch(
      String step, List<UUID> ids, java.util.function.Function<UUID, Command> command) {
    checkBatch(ids);
    long started = spans.start();
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
    spans.recordAll(step, started, outcomes);
    for (int k = 0; k < outcomes.size(); k++) {
      results.set(index.get(k), item(index.get(k), outcomes.get(k)));
    }
    return new BatchResult(results);
  }

  private Outcome traced(String step, long started, Outcome outcome) {
    spans.record(step, started, outcome);
    return outcome;
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
