package io.rms.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rms.producer.testing.RecordingMessenger;
import io.rms.producer.testing.RecordingMessenger.State;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The test stub behaves like the real messenger towards the caller's transaction. */
class RecordingMessengerTest {
  private static ProducerDatabase db;

  @BeforeAll
  static void database() {
    db = new ProducerDatabase("producer_stub");
  }

  @Test
  void sendIsPendingUntilCommitThenCommitted() {
    RecordingMessenger messenger = new RecordingMessenger();
    db.tx.executeWithoutResult(
        s -> {
          messenger.send("order.created", Map.of("orderId", 1));
          assertThat(messenger.sent()).singleElement().extracting("state").isEqualTo(State.PENDING);
          assertThat(messenger.committed()).isEmpty();
        });
    assertThat(messenger.committed("order.created")).hasSize(1);
    assertThat(messenger.committed("order.other")).isEmpty();
  }

  @Test
  void rolledBackSendIsNeverCommitted() {
    RecordingMessenger messenger = new RecordingMessenger();
    db.tx.executeWithoutResult(
        s -> {
          messenger.send("order.created", Map.of("orderId", 2));
          s.setRollbackOnly();
        });
    assertThat(messenger.committed()).isEmpty();
    assertThat(messenger.rolledBack()).hasSize(1);
  }

  @Test
  void failNextSendFailsTheTransactionOnce() {
    RecordingMessenger messenger = new RecordingMessenger();
    messenger.failNextSend(new IllegalStateException("service down"));
    assertThatThrownBy(() -> messenger.send("t", 1)).hasMessage("service down");
    messenger.send("t", 2);
    assertThat(messenger.committed()).singleElement().extracting("payload").isEqualTo(2);
  }
}
