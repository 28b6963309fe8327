package io.rms.service.message;

import static io.rms.api.DeliveryStatus.ACKED;
import static io.rms.api.DeliveryStatus.DEAD;
import static io.rms.api.DeliveryStatus.DISCARDED;
import static io.rms.api.DeliveryStatus.PUBLISHED;
import static io.rms.api.DeliveryStatus.SCHEDULED;
import static io.rms.api.DeliveryStatus.WAITING;

import io.rms.api.DeliveryStatus;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The delivery state machine (docs/design.md §5) as a table, plus two late-ack edges: a consumer's
 * ack is accepted from SCHEDULED (the ack overtook the publish bookkeeping, or arrived after the
 * ack timeout rescheduled it) and from DEAD (the effect happened after all); refusing it would make
 * the service redeliver work that is done.
 *
 * <pre>
 * SCHEDULED ──published, broker confirmed──▶ PUBLISHED ──consumer ack──▶ ACKED
 *     ▲                                         │
 *     └──ack timeout / nack(retry) [attempt+1, backoff]──┘
 * PUBLISHED|SCHEDULED ──attempts exhausted / nack(retry=false)──▶ DEAD ──redeliver──▶ SCHEDULED
 *                                                                   └──discard──▶ DISCARDED
 * WAITING ──its key's earlier messages finished (ordered subscriptions)──▶ SCHEDULED
 * ACKED|DISCARDED|DEAD ──operator replay──▶ SCHEDULED (WAITING on an ordered subscription)
 * </pre>
 *
 * <p>The replay edges are a table of their own ({@link #replayGuard}): only a replay takes them, so
 * {@link #sources} (what a consumer's or the sweep's statement may move) never names them, and
 * ACKED and DISCARDED stay final for everything else.
 */
public final class DeliveryLifecycle {
  private static final Map<DeliveryStatus, Set<DeliveryStatus>> ALLOWED =
      new EnumMap<>(DeliveryStatus.class);

  static {
    ALLOWED.put(WAITING, EnumSet.of(SCHEDULED));
    ALLOWED.put(SCHEDULED, EnumSet.of(PUBLISHED, ACKED, DEAD));
    ALLOWED.put(PUBLISHED, EnumSet.of(SCHEDULED, ACKED, DEAD));
    ALLOWED.put(DEAD, EnumSet.of(SCHEDULED, ACKED, DISCARDED));
    ALLOWED.put(ACKED, EnumSet.noneOf(DeliveryStatus.class));
    ALLOWED.put(DISCARDED, EnumSet.noneOf(DeliveryStatus.class));
  }

  private static final Map<DeliveryStatus, Set<DeliveryStatus>> REPLAYS =
      new EnumMap<>(DeliveryStatus.class);

  static {
    for (DeliveryStatus from : DeliveryStatus.values()) {
      REPLAYS.put(from, EnumSet.noneOf(DeliveryStatus.class));
    }
    REPLAYS.put(ACKED, EnumSet.of(SCHEDULED, WAITING));
    REPLAYS.put(DISCARDED, EnumSet.of(SCHEDULED, WAITING));
    REPLAYS.put(DEAD, EnumSet.of(SCHEDULED, WAITING));
  }

  private DeliveryLifecycle() {}

  /**
   * True when an operator's replay may give a delivery in {@code from} a fresh cycle starting in
   * {@code to}: a finished (ACKED, DISCARDED) or given-up (DEAD) one; one in flight is left alone.
   */
  public static boolean replayable(DeliveryStatus from, DeliveryStatus to) {
    return REPLAYS.get(from).contains(to);
  }

  /** The sources a replay statement moving deliveries to {@code to} binds, each checked first. */
  static String[] replayGuard(DeliveryStatus to, DeliveryStatus... from) {
    String[] names = new String[from.length];
    for (int i = 0; i < from.length; i++) {
      if (!replayable(from[i], to)) {
        throw new IllegalTransitionException(from[i], to);
      }
      names[i] = from[i].name();
    }
    return names;
  }

  /** True when {@code from → to} is a legal transition. */
  public static boolean allowed(DeliveryStatus from, DeliveryStatus to) {
    return ALLOWED.get(from).contains(to);
  }

  /** The guard: throws unless {@code from → to} is legal. */
  public static void check(DeliveryStatus from, DeliveryStatus to) {
    if (!allowed(from, to)) {
      throw new IllegalTransitionException(from, to);
    }
  }

  /** The states from which {@code to} may be reached, for compare-and-set SQL. */
  public static Set<DeliveryStatus> sources(DeliveryStatus to) {
    Set<DeliveryStatus> sources = EnumSet.noneOf(DeliveryStatus.class);
    ALLOWED.forEach(
        (from, targets) -> {
          if (targets.contains(to)) {
            sources.add(from);
          }
        });
    return sources;
  }

  /** {@link #sources} as SQL text-array values. */
  static String[] sourceNames(DeliveryStatus to) {
    return sources(to).stream().map(Enum::name).toArray(String[]::new);
  }

  /**
   * The sources a statement moving deliveries from {@code from} to {@code to} binds as its
   * compare-and-set guard ({@code status = any(?::text[])}): each pair is checked against the table
   * first, so no statement can name a source the table does not allow.
   */
  static String[] guard(DeliveryStatus to, DeliveryStatus... from) {
    String[] names = new String[from.length];
    for (int i = 0; i < from.length; i++) {
      check(from[i], to);
      names[i] = from[i].name();
    }
    return names;
  }
}
