package io.rms.service.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rms.api.DeliveryStatus;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every from × to pair of the delivery state machine. */
class DeliveryLifecycleTest {
  private static final Set<String> LEGAL =
      Set.of(
          "SCHEDULED>PUBLISHED",
          "SCHEDULED>ACKED",
          "SCHEDULED>DEAD",
          "PUBLISHED>SCHEDULED",
          "PUBLISHED>ACKED",
          "PUBLISHED>DEAD",
          "DEAD>SCHEDULED",
          "DEAD>DISCARDED",
          "WAITING>SCHEDULED",
          "DEAD>ACKED");

  static Stream<Arguments> pairs() {
    return EnumSet.allOf(DeliveryStatus.class).stream()
        .flatMap(
            from -> EnumSet.allOf(DeliveryStatus.class).stream().map(to -> Arguments.of(from, to)));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("pairs")
  void onlyTheDesignedTransitionsAreAllowed(DeliveryStatus from, DeliveryStatus to) {
    boolean legal = LEGAL.contains(from + ">" + to);
    assertThat(DeliveryLifecycle.allowed(from, to)).isEqualTo(legal);
    if (legal) {
      DeliveryLifecycle.check(from, to);
      assertThat(DeliveryLifecycle.sources(to)).contains(from);
      assertThat(DeliveryLifecycle.guard(to, from)).containsExactly(from.name());
    } else {
      assertThatThrownBy(() -> DeliveryLifecycle.check(from, to))
          .isInstanceOf(IllegalTransitionException.class);
      // a statement cannot bind a source the table does not allow
      assertThatThrownBy(() -> DeliveryLifecycle.guard(to, from))
          .isInstanceOf(IllegalTransitionException.class);
      assertThat(DeliveryLifecycle.sources(to)).doesNotContain(from);
    }
  }

  private static final Set<String> REPLAYS =
      Set.of(
          "ACKED>SCHEDULED",
          "ACKED>WAITING",
          "DISCARDED>SCHEDULED",
          "DISCARDED>WAITING",
          "DEAD>SCHEDULED",
          "DEAD>WAITING");

  @ParameterizedTest(name = "replay {0} -> {1}")
  @MethodSource("pairs")
  void onlyAFinishedOrDeadDeliveryIsReplayedAndOnlyByTheReplaysGuard(
      DeliveryStatus from, DeliveryStatus to) {
    boolean replayable = REPLAYS.contains(from + ">" + to);
    assertThat(DeliveryLifecycle.replayable(from, to)).isEqualTo(replayable);
    if (replayable) {
      assertThat(DeliveryLifecycle.replayGuard(to, from)).containsExactly(from.name());
    } else {
      assertThatThrownBy(() -> DeliveryLifecycle.replayGuard(to, from))
          .isInstanceOf(IllegalTransitionException.class);
    }
    if (from == DeliveryStatus.ACKED || from == DeliveryStatus.DISCARDED) {
      // the replay edges stay out of the table every other statement binds
      assertThat(DeliveryLifecycle.sources(to)).doesNotContain(from);
    }
  }
}
