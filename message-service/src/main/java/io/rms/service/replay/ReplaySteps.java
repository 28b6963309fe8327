package io.rms.service.replay;

import io.rms.service.config.RmsProperties;
import io.rms.service.message.DeliveryDispatcher;
import io.rms.service.message.EventStore;
import io.rms.service.message.EventType;
import io.rms.service.message.KeyLocks;
import io.rms.service.message.MessageStore;
import io.rms.service.message.OrderedKeys;
import io.rms.service.message.PublishRequest;
import io.rms.service.message.ReplayDeliveries;
import io.rms.service.message.StoredMessage;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Advances running replays, one paced step each (docs/design.md §5.2). A step is one transaction:
 * it claims its replay ({@code FOR UPDATE SKIP LOCKED}, so another replica's step skips it), takes
 * as many items as the pace allows since the last step, gives each a fresh delivery cycle ({@link
 * ReplayDeliveries#reset}), and moves the replay's position by compare-and-set. The publishes are
 * handed over after commit; one that does not happen leaves the delivery SCHEDULED for the
 * redelivery sweep, which publishes it with the replay's id.
 *
 * <p>Pace: a token bucket of {@code rms.replay.rate} per second that fills for at most {@code
 * rms.replay.burst} ({@code paced_until} is the time up to which the replay has spent its rate),
 * measured by the injected clock, so a test moves time instead of sleeping. The sweep takes a step
 * every half burst while replays run ({@link ReplayAdapter}), so a replay's deliveries reach the
 * subscription's queue in small steps between the live ones.
 *
 * <p>Ordered subscriptions: the step claims the items' ordering keys before any row lock (as every
 * transaction that changes a key's head does, {@link KeyLocks}); an item becomes WAITING and its
 * key's head is released in the same transaction, so the key's replayed messages go out one at a
 * time in {@code order_seq}. A key with a later message in flight or parked on the subscription is
 * busy: its items move behind the selection's end and come round again, so two messages of a key
 * are never in flight at once.
 */
@Component
public class ReplaySteps {
  private static final Logger log = LoggerFactory.getLogger(ReplaySteps.class);

  /** Most items one step handles. */
  static final int MAX_STEP = 1_000;

  private final ReplayStore store;
  private final ReplayDeliveries deliveries;
  private final MessageStore messages;
  private final EventStore events;
  private final OrderedKeys orderedKeys;
  private final KeyLocks keyLocks;
  private final Registry registry;
  private final DeliveryDispatcher dispatcher;
  private final TransactionTemplate tx;
  private final Clock clock;
  private final int rate;
  private final Duration burst;
  private final Duration grace;

  ReplaySteps(
      ReplayStore store,
      ReplayDeliveries deliveries,
      MessageStore messages,
      EventStore events,
      OrderedKeys orderedKeys,
      KeyLocks keyLocks,
      Registry registry,
      DeliveryDispatcher dispatcher,
      TransactionTemplate tx,
      Clock clock,
      ReplayProperties properties,
      RmsProperties rms) {
    this.store = store;
    this.deliveries = deliveries;
    this.messages = messages;
    this.events = events;
    this.orderedKeys = orderedKeys;
    this.keyLocks = keyLocks;
    this.registry = registry;
    this.dispatcher = dispatcher;
    this.tx = tx;
    this.clock = clock;
    this.rate = properties.rate();
    this.burst = properties.burst();
    this.grace = rms.dispatch().publishGrace();
  }

  /** One step of every running replay; returns how many items they handled. */
  public int advanceAll() {
    int handled = 0;
    for (String id : store.runningIds()) {
      try {
        handled += advance(id);
      } catch (PessimisticLockingFailureException | LostStep e) {
        // a command holding a key or row of this step crossed it; the next tick tries again
        log.info("replay {} gave way to a concurrent change: {}", id, e.getMessage());
      }
    }
    return handled;
  }

  /** True while a replay is running (on any replica). */
  public boolean running() {
    return !store.runningIds().isEmpty();
  }

  /** One step of replay {@code id}; returns how many items it handled (0: not its turn). */
  public int advance(String id) {
    Step step = tx.execute(status -> step(id));
    if (step == null) {
      return 0;
    }
    if (!step.publishes().isEmpty()) {
      dispatcher.dispatch(step.publishes());
    }
    return step.handled();
  }

  private record Step(int handled, List<PublishRequest> publishes) {}

  private static final Step NOTHING = new Step(0, List.of());

  private Step step(String id) {
    ReplayStore.Replay replay = store.claim(id).orElse(null);
    if (replay == null) {
      return NOTHING; // done, or another replica's step has it
    }
    SubscriptionInfo subscription = registry.subscription(replay.subscription()).orElse(null);
    if (subscription == null) {
      return NOTHING; // not in this replica's registry (yet)
    }
    // microseconds, as the database keeps paced_until
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    Instant start = later(replay.pacedUntil(), now.minus(burst));
    long allowance = Duration.between(start, now).toNanos() * rate / 1_000_000_000L;
    if (allowance < 1) {
      return NOTHING;
    }
    List<ReplayStore.Item> items =
        store.items(id, replay.position(), (int) Math.min(allowance, MAX_STEP));
    if (items.isEmpty()) {
      finish(replay, replay.position(), 0, 0, now);
      return NOTHING;
    }
    List<UUID> ids = items.stream().map(ReplayStore.Item::messageId).toList();
    Set<String> busy = new HashSet<>();
    if (subscription.ordered()) {
      // the keys first, before the first row lock (KeyLocks)
      keyLocks.claim(KeyLocks.Claim.ofMessages(ids));
      for (OrderedKeys.Key key : deliveries.busyKeys(subscription.name(), ids)) {
        busy.add(key.orderingKey());
      }
    }
    List<UUID> candidates = new ArrayList<>();
    for (ReplayStore.Item item : items) {
      if (item.orderingKey() == null || !busy.contains(item.orderingKey())) {
        candidates.add(item.messageId());
      }
    }
    if (!busy.isEmpty()) {
      store.defer(id, List.copyOf(busy), items.get(0).position());
    }
    List<ReplayDeliveries.Reset> reset =
        deliveries.reset(id, subscription.name(), candidates, subscription.ordered(), grace);
    for (ReplayDeliveries.Reset r : reset) {
      events.append(
          r.messageId(),
          EventType.REPLAYED,
          subscription.name(),
          replay.actor(),
          Map.of("replayId", id, "from", r.previous() == null ? "none" : r.previous().name()));
    }
    List<PublishRequest> publishes = publishes(id, subscription, reset);
    long next = items.get(items.size() - 1).position();
    Instant paced = start.plusNanos(items.size() * 1_000_000_000L / rate);
    finish(replay, next, reset.size(), candidates.size() - reset.size(), paced);
    return new Step(items.size(), publishes);
  }

  private void finish(
      ReplayStore.Replay replay, long next, int replayed, int skipped, Instant pacedUntil) {
    if (!store.advance(replay.id(), replay.position(), next, replayed, skipped, pacedUntil)) {
      throw new LostStep(replay.id());
    }
  }

  /** What to publish now: the scheduled resets, and the heads of the keys of the waiting ones. */
  private List<PublishRequest> publishes(
      String id, SubscriptionInfo subscription, List<ReplayDeliveries.Reset> reset) {
    List<UUID> scheduled = new ArrayList<>();
    List<UUID> waiting = new ArrayList<>();
    for (ReplayDeliveries.Reset r : reset) {
      (r.waiting() ? waiting : scheduled).add(r.messageId());
    }
    List<PublishRequest> publishes = new ArrayList<>();
    if (!scheduled.isEmpty()) {
      Map<UUID, StoredMessage> found = messages.findAll(scheduled);
      for (UUID messageId : scheduled) {
        StoredMessage m = found.get(messageId);
        if (m != null) {
          publishes.add(PublishRequest.of(m, subscription, 1, id));
        }
      }
    }
    if (!waiting.isEmpty()) {
      Set<OrderedKeys.Key> keys = new LinkedHashSet<>(deliveries.keys(waiting).values());
      publishes.addAll(orderedKeys.release(keys, subscription.name(), grace));
    }
    return publishes;
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /** Another step moved the replay first; this one rolls back. */
  static final class LostStep extends RuntimeException {
    LostStep(String id) {
      super("replay " + id + " moved meanwhile");
    }
  }
}
