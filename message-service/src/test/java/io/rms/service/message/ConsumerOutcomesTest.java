package io.rms.service.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.api.AckOutcome;
import io.rms.api.DeliveryStatus;
import io.rms.service.message.ConsumerOutcomes.NackAction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The consumer-call table for every delivery state, and its agreement with the lifecycle. */
class ConsumerOutcomesTest {
  @ParameterizedTest(name = "nack of {0}: {1}")
  @CsvSource({
    "WAITING, REFUSE_NOT_DELIVERED",
    "SCHEDULED, APPLY",
    "PUBLISHED, APPLY",
    "DEAD, ANSWER_STATUS",
    "ACKED, ANSWER_STATUS",
    "DISCARDED, ANSWER_STATUS"
  })
  void aNackActsOnlyOnADeliveredUnfinishedDelivery(DeliveryStatus status, NackAction action) {
    assertThat(ConsumerOutcomes.nack(status)).isEqualTo(action);
  }

  @ParameterizedTest(name = "nack applied from {0} stays inside the lifecycle")
  @EnumSource(DeliveryStatus.class)
  void aNackIsAppliedOnlyWhereTheLifecycleAllowsBothOfItsTargets(DeliveryStatus status) {
    boolean applies = ConsumerOutcomes.nack(status) == NackAction.APPLY;
    boolean allowed =
        DeliveryLifecycle.allowed(status, DeliveryStatus.DEAD)
            && (status == DeliveryStatus.SCHEDULED
                || DeliveryLifecycle.allowed(status, DeliveryStatus.SCHEDULED));
    assertThat(applies).isEqualTo(allowed);
  }

  @ParameterizedTest(name = "unchanged ack of {0}: {1}")
  @CsvSource({
    "WAITING, NOT_DELIVERED",
    "ACKED, ALREADY_ACKED",
    "DISCARDED, DISCARDED",
    "SCHEDULED, NOT_DELIVERED",
    "PUBLISHED, NOT_DELIVERED",
    "DEAD, NOT_DELIVERED"
  })
  void anAckThatChangedNothingIsAnsweredFromTheStatus(DeliveryStatus status, AckOutcome outcome) {
    assertThat(ConsumerOutcomes.ackUnchanged(status)).isEqualTo(outcome);
  }

  @ParameterizedTest(name = "ack of {0}")
  @EnumSource(DeliveryStatus.class)
  void onlyStatesTheLifecycleMovesToAckedAreAcked(DeliveryStatus status) {
    // the ack's statement moves exactly the lifecycle's sources of ACKED; the others are answered
    boolean acked = DeliveryLifecycle.sources(DeliveryStatus.ACKED).contains(status);
    assertThat(acked)
        .isEqualTo(
            status == DeliveryStatus.SCHEDULED
                || status == DeliveryStatus.PUBLISHED
                || status == DeliveryStatus.DEAD);
  }

  @Test
  void anAckOfNoDeliveryIsNotFound() {
    assertThat(ConsumerOutcomes.ackUnchanged(null)).isEqualTo(AckOutcome.NOT_FOUND);
  }
}
