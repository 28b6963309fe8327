package io.rms.service.message;

import static io.rms.api.MessageStatus.CANCELLED;
import static io.rms.api.MessageStatus.CONFIRMED;
import static io.rms.api.MessageStatus.DELIVERED;
import static io.rms.api.MessageStatus.IN_DOUBT;
import static io.rms.api.MessageStatus.PREPARED;

import io.rms.api.MessageStatus;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The message state machine (docs/design.md §4) as a table. Every status change in SQL names its
 * allowed sources from here ({@link #sources}), so the database enforces the same table.
 *
 * <pre>
 * PREPARED ──confirm──▶ CONFIRMED ──all deliveries acked──▶ DELIVERED
 *    │  └──cancel──▶ CANCELLED
 *    └─check-back exhausted──▶ IN_DOUBT ──COMMIT──▶ CONFIRMED
 *                                   └──ROLLBACK──▶ CANCELLED
 * DELIVERED ──operator replay──▶ CONFIRMED (until the replayed deliveries are acked again)
 * </pre>
 *
 * <p>The replay edge is not in the table: a producer's confirm of a DELIVERED message must stay a
 * harmless repeat, so {@link #sources} never names DELIVERED; only the replay's statement binds
 * {@link #replaySources}.
 */
public final class MessageLifecycle {
  private static final Map<MessageStatus, Set<MessageStatus>> ALLOWED =
      new EnumMap<>(MessageStatus.class);

  static {
    ALLOWED.put(PREPARED, EnumSet.of(CONFIRMED, CANCELLED, IN_DOUBT));
    ALLOWED.put(IN_DOUBT, EnumSet.of(CONFIRMED, CANCELLED));
    ALLOWED.put(CONFIRMED, EnumSet.of(DELIVERED));
    ALLOWED.put(DELIVERED, EnumSet.noneOf(MessageStatus.class));
    ALLOWED.put(CANCELLED, EnumSet.noneOf(MessageStatus.class));
  }

  private MessageLifecycle() {}

  /**
   * The states a replay may find a message in: CONFIRMED (it stays so, one more pending delivery)
   * or DELIVERED (back to CONFIRMED until acked again). PREPARED, IN_DOUBT and CANCELLED messages
   * are never replayed (I2).
   */
  static String[] replaySources() {
    return new String[] {CONFIRMED.name(), DELIVERED.name()};
  }

  /** True when {@code from → to} is a legal transition. */
  public static boolean allowed(MessageStatus from, MessageStatus to) {
    return ALLOWED.get(from).contains(to);
  }

  /** The guard: throws unless {@code from → to} is legal. */
  public static void check(MessageStatus from, MessageStatus to) {
    if (!allowed(from, to)) {
      throw new IllegalTransitionException(from, to);
    }
  }

  /** The states from which {@code to} may be reached, for compare-and-set SQL. */
  public static Set<MessageStatus> sources(MessageStatus to) {
    Set<MessageStatus> sources = EnumSet.noneOf(MessageStatus.class);
    ALLOWED.forEach(
        (from, targets) -> {
          if (targets.contains(to)) {
            sources.add(from);
          }
        });
    return sources;
  }

  /** {@link #sources} as SQL text-array values. */
  static String[] sourceNames(MessageStatus to) {
    return sources(to).stream().map(Enum::name).toArray(String[]::new);
  }

  /**
   * What a command aiming at {@code target} does to a message in {@code current}: apply a legal
   * transition, succeed without change when the effect is already there (confirming a delivered
   * message, cancelling a cancelled one), or conflict.
   */
  public static CommandOutcome outcome(MessageStatus current, MessageStatus target) {
    if (allowed(current, target)) {
      return CommandOutcome.APPLY;
    }
    if (current == target || (target == CONFIRMED && current == DELIVERED)) {
      return CommandOutcome.ALREADY_DONE;
    }
    return CommandOutcome.CONFLICT;
  }
}
