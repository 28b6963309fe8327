package io.rms.service.message;

import static io.rms.api.MessageStatus.CANCELLED;
import static io.rms.api.MessageStatus.CONFIRMED;
import static io.rms.api.MessageStatus.DELIVERED;
import static io.rms.api.MessageStatus.IN_DOUBT;
import static io.rms.api.MessageStatus.PREPARED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rms.api.MessageStatus;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every from × to pair of the message state machine. */
class MessageLifecycleTest {
  private static final Set<String> LEGAL =
      Set.of(
          "PREPARED>CONFIRMED",
          "PREPARED>CANCELLED",
          "PREPARED>IN_DOUBT",
          "IN_DOUBT>CONFIRMED",
          "IN_DOUBT>CANCELLED",
          "CONFIRMED>DELIVERED");

  static Stream<Arguments> pairs() {
    return EnumSet.allOf(MessageStatus.class).stream()
        .flatMap(
            from -> EnumSet.allOf(MessageStatus.class).stream().map(to -> Arguments.of(from, to)));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("pairs")
  void onlyTheDesignedTransitionsAreAllowed(MessageStatus from, MessageStatus to) {
    boolean legal = LEGAL.contains(from + ">" + to);
    assertThat(MessageLifecycle.allowed(from, to)).isEqualTo(legal);
    if (legal) {
      MessageLifecycle.check(from, to);
      assertThat(MessageLifecycle.sources(to)).contains(from);
    } else {
      assertThatThrownBy(() -> MessageLifecycle.check(from, to))
          .isInstanceOf(IllegalTransitionException.class)
          .hasMessageContaining(from + " -> " + to);
      assertThat(MessageLifecycle.sources(to)).doesNotContain(from);
    }
  }

  /** What confirm and cancel do to a message in one status. */
  private record Outcomes(CommandOutcome confirm, CommandOutcome cancel) {}

  @ParameterizedTest(name = "confirm and cancel on {0}")
  @MethodSource("statuses")
  void confirmAndCancelApplyRepeatOrConflict(MessageStatus current) {
    Outcomes expected =
        switch (current) {
          case PREPARED, IN_DOUBT -> new Outcomes(CommandOutcome.APPLY, CommandOutcome.APPLY);
          case CONFIRMED, DELIVERED ->
              new Outcomes(CommandOutcome.ALREADY_DONE, CommandOutcome.CONFLICT);
          case CANCELLED -> new Outcomes(CommandOutcome.CONFLICT, CommandOutcome.ALREADY_DONE);
        };
    assertThat(MessageLifecycle.outcome(current, CONFIRMED)).isEqualTo(expected.confirm());
    assertThat(MessageLifecycle.outcome(current, CANCELLED)).isEqualTo(expected.cancel());
  }

  static Stream<MessageStatus> statuses() {
    return Stream.of(MessageStatus.values());
  }

  @org.junit.jupiter.api.Test
  void finalStatesAreDeliveredAndCancelledOnly() {
    assertThat(EnumSet.allOf(MessageStatus.class).stream().filter(MessageStatus::isFinal))
        .containsExactlyInAnyOrder(DELIVERED, CANCELLED);
    assertThat(MessageLifecycle.sources(PREPARED)).isEmpty();
    assertThat(MessageLifecycle.sources(IN_DOUBT)).containsExactly(PREPARED);
  }

  @Test
  void aReplayReopensDeliveredMessagesWhileAConfirmOfOneStaysARepeat() {
    assertThat(MessageLifecycle.replaySources()).containsExactly("CONFIRMED", "DELIVERED");
    assertThat(MessageLifecycle.sources(CONFIRMED)).doesNotContain(DELIVERED);
    assertThat(MessageLifecycle.outcome(DELIVERED, CONFIRMED))
        .isEqualTo(CommandOutcome.ALREADY_DONE);
  }
}
