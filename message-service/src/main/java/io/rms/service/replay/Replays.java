package io.rms.service.replay;

import io.rms.api.DeliveryStatus;
import io.rms.api.ErrorCode;
import io.rms.api.Limits;
import io.rms.api.ReplayRequest;
import io.rms.api.ReplayStarted;
import io.rms.api.ReplayView;
import io.rms.service.config.RmsProperties;
import io.rms.service.message.EventStore;
import io.rms.service.message.EventType;
import io.rms.service.message.UuidV7;
import io.rms.service.problem.RmsProblem;
import io.rms.service.registry.SubscriptionInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Starts replays and lists them (docs/design.md §5.2). A start checks the request, selects the
 * window's messages once (the selection is the replay's, fixed from then on) and leaves the
 * delivering to the replay sweep ({@link ReplaySteps}); so the call answers at once, whatever the
 * window's size.
 */
@Service
public class Replays {
  /** Replay ids a caller may give. */
  static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,139}");

  /** Kind of an operator's replay. */
  public static final String REPLAY = "REPLAY";

  /** Kind of a new subscription's backfill. */
  public static final String BACKFILL = "BACKFILL";

  private final ReplayStore store;
  private final EventStore events;
  private final TransactionTemplate tx;
  private final ReplayProperties properties;
  private final Duration retention;
  private final Clock clock;

  Replays(
      ReplayStore store,
      EventStore events,
      TransactionTemplate tx,
      ReplayProperties properties,
      RmsProperties rms,
      Clock clock) {
    this.store = store;
    this.events = events;
    this.tx = tx;
    this.properties = properties;
    this.retention = rms.retention();
    this.clock = clock;
  }

  /**
   * Starts a replay of {@code request} on {@code subscription} by {@code actor} (or answers the
   * replay its id names already, or a dry run's count). Refusals: {@code from}/{@code to} missing
   * or not in order, a bad id, status or limit (400 {@code validation-failed}); an inactive
   * subscription (409 {@code subscription-inactive}); a window beginning before the retention
   * horizon (422 {@code beyond-retention}); a replay running on the subscription, or the id of a
   * replay with other parameters (409 {@code replay-conflict}).
   */
  public ReplayStarted start(
      String actor, SubscriptionInfo subscription, ReplayRequest request, String kind) {
    check(request);
    if (request.replayId() != null) {
      var existing = store.find(request.replayId());
      if (existing.isPresent()) {
        return repeated(existing.get(), subscription, request);
      }
    }
    if (!subscription.active()) {
      throw new RmsProblem(
          ErrorCode.SUBSCRIPTION_INACTIVE,
          "subscription " + subscription.name() + " is inactive: a replay would reach nobody");
    }
    if (store.beyondRetention(request.from(), retention)) {
      throw new RmsProblem(
          ErrorCode.BEYOND_RETENTION,
          "from "
              + request.from()
              + " is before the retention horizon (rms.retention "
              + retention
              + "): messages finished then may be deleted");
    }
    ReplayStore.Selection selection = selection(subscription, request);
    int limit = request.limit() != null ? request.limit() : properties.maxMessages();
    if (Boolean.TRUE.equals(request.dryRun())) {
      return new ReplayStarted(null, store.count(selection, limit), "DRY_RUN");
    }
    if (request.limit() == null && store.count(selection, limit + 1) > limit) {
      throw RmsProblem.invalid(
          "the window holds more than "
              + limit
              + " messages (rms.replay.max-messages): narrow it or give a limit");
    }
    String id = request.replayId() != null ? request.replayId() : "rp-" + UuidV7.next(clock);
    store
        .running(subscription.name())
        .ifPresent(
            r -> {
              throw running(subscription.name(), r.id());
            });
    try {
      boolean inserted =
          Boolean.TRUE.equals(
              tx.execute(
                  status -> {
                    if (!store.insert(
                        id,
                        kind,
                        selection,
                        request.limit(),
                        limit,
                        actor,
                        clock.instant().minusSeconds(1))) {
                      return false;
                    }
                    ReplayStore.Replay r = store.find(id).orElseThrow();
                    events.append(null, EventType.REPLAY, subscription.name(), actor, audit(r));
                    return true;
                  }));
      ReplayStore.Replay r = store.find(id).orElseThrow();
      return inserted ? started(r) : repeated(r, subscription, request);
    } catch (DuplicateKeyException other) {
      throw store
          .running(subscription.name())
          .map(r -> running(subscription.name(), r.id()))
          .orElseThrow(() -> other);
    }
  }

  /** The subscription's replays, newest first (at most {@code limit}, 1 to 1,000, default 100). */
  public List<ReplayView> list(String subscription, Integer limit) {
    int size = limit == null ? 100 : limit;
    if (size < 1 || size > Limits.MAX_BATCH) {
      throw RmsProblem.invalid("limit must be 1 to " + Limits.MAX_BATCH);
    }
    return store.forSubscription(subscription, size).stream().map(Replays::view).toList();
  }

  /** One replay, if it exists. */
  public java.util.Optional<ReplayView> find(String id) {
    return store.find(id).map(Replays::view);
  }

  private void check(ReplayRequest r) {
    if (r.from() == null || r.to() == null) {
      throw RmsProblem.invalid("from and to are required (ISO-8601 instants)");
    }
    if (!r.from().isBefore(r.to())) {
      throw RmsProblem.invalid("from must be before to");
    }
    if (r.replayId() != null && !ID.matcher(r.replayId()).matches()) {
      throw RmsProblem.invalid("replayId must match " + ID.pattern());
    }
    if (r.status() != null
        && r.status() != DeliveryStatus.ACKED
        && r.status() != DeliveryStatus.DISCARDED
        && r.status() != DeliveryStatus.DEAD) {
      throw RmsProblem.invalid("status must be ACKED, DISCARDED or DEAD");
    }
    if (r.limit() != null && (r.limit() < 1 || r.limit() > properties.maxMessages())) {
      throw RmsProblem.invalid("limit must be 1 to " + properties.maxMessages());
    }
  }

  private static ReplayStore.Selection selection(SubscriptionInfo s, ReplayRequest r) {
    return new ReplayStore.Selection(
        s.name(), s.topic(), r.from(), r.to(), r.businessKey(), r.status(), s.ordered());
  }

  /** The same id again: the same replay if the parameters match, else 409. */
  private static ReplayStarted repeated(
      ReplayStore.Replay r, SubscriptionInfo subscription, ReplayRequest request) {
    boolean same =
        r.subscription().equals(subscription.name())
            && r.from().equals(micros(request.from()))
            && r.to().equals(micros(request.to()))
            && Objects.equals(r.businessKey(), request.businessKey())
            && r.status() == request.status()
            && Objects.equals(r.limit(), request.limit());
    if (!same) {
      throw new RmsProblem(
          ErrorCode.REPLAY_CONFLICT,
          "replay " + r.id() + " exists with other parameters (on " + r.subscription() + ")");
    }
    return started(r);
  }

  /** An instant as PostgreSQL keeps it (microseconds). */
  private static Instant micros(Instant instant) {
    return instant.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
  }

  private static RmsProblem running(String subscription, String id) {
    return new RmsProblem(
        ErrorCode.REPLAY_CONFLICT,
        "replay " + id + " is running on " + subscription + ": one replay at a time");
  }

  private static ReplayStarted started(ReplayStore.Replay r) {
    return new ReplayStarted(r.id(), r.selected(), r.state().name());
  }

  private static Map<String, Object> audit(ReplayStore.Replay r) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("action", "replay");
    detail.put("replayId", r.id());
    detail.put("kind", r.kind());
    detail.put("from", r.from().toString());
    detail.put("to", r.to().toString());
    if (r.businessKey() != null) {
      detail.put("businessKey", r.businessKey());
    }
    if (r.status() != null) {
      detail.put("status", r.status().name());
    }
    if (r.limit() != null) {
      detail.put("limit", r.limit());
    }
    detail.put("selected", r.selected());
    return detail;
  }

  static ReplayView view(ReplayStore.Replay r) {
    int handled = r.replayed() + r.skipped();
    double progress =
        r.state() == ReplayState.DONE || r.selected() == 0
            ? 1.0
            : Math.min(1.0, (double) handled / r.selected());
    return new ReplayView(
        r.id(),
        r.subscription(),
        r.kind(),
        r.from(),
        r.to(),
        r.businessKey(),
        r.status(),
        r.limit(),
        r.state().name(),
        r.selected(),
        r.replayed(),
        r.skipped(),
        progress,
        r.actor(),
        r.createdAt(),
        r.finishedAt());
  }
}
