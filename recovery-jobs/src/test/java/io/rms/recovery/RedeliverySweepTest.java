package io.rms.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RedeliverySweepTest {
  private final FakePort port = new FakePort();
  private final RedeliverySweep sweep =
      new RedeliverySweep(
          port,
          new RedeliveryPolicy(100, 150, Duration.ofSeconds(60)),
          new SweepMeter(new SimpleMeterRegistry(), Clock.systemUTC()));

  @Test
  void anAckTimeoutBelowMaxAttemptsIsRetriedAfterTheSubscriptionsBackoff() {
    DeliveryKey first = port.overdue("cart", 1);
    DeliveryKey second = port.overdue("cart", 2);

    sweep.run();

    assertThat(port.retries)
        .containsExactlyInAnyOrder(
            new RedeliveryPort.Retry(first, Duration.ofSeconds(1)),
            new RedeliveryPort.Retry(second, Duration.ofSeconds(2)));
    assertThat(port.buried).isEmpty();
  }

  @Test
  void anAckTimeoutOfTheLastAttemptMakesTheDeliveryDead() {
    DeliveryKey last = port.overdue("cart", 3);
    DeliveryKey beyond = port.overdue("cart", 4);

    sweep.run();

    assertThat(port.buried).containsExactlyInAnyOrder(last, beyond);
    assertThat(port.retries).isEmpty();
  }

  @Test
  void aDeliveryOfAVanishedSubscriptionIsLeftAlone() {
    port.overdue("gone", 1);

    sweep.run();

    assertThat(port.retries).isEmpty();
    assertThat(port.buried).isEmpty();
  }

  @Test
  void dueDeliveriesArePublishedWithTheNextAttemptNumber() {
    DeliveryKey fresh = port.due("cart", 0);
    DeliveryKey retried = port.due("cart", 2);

    assertThat(sweep.run()).isEqualTo(2);

    assertThat(port.published).containsExactly(fresh, retried);
    assertThat(port.published).extracting(DeliveryKey::nextAttempt).containsExactly(1, 3);
  }

  @Test
  void publishingClaimsOnlyTheRoomLeftUnderMaxInFlightAndTheBatchSize() {
    for (int i = 0; i < 500; i++) {
      port.due("cart", 0);
    }
    port.inFlight = 120;
    assertThat(sweep.publishDue()).isEqualTo(30);

    port.inFlight = 0;
    assertThat(sweep.publishDue()).isEqualTo(100);

    port.inFlight = 150;
    assertThat(sweep.publishDue()).isZero();
    assertThat(port.published).hasSize(130);
  }

  private static final class FakePort implements RedeliveryPort {
    final List<DeliveryKey> overdue = new ArrayList<>();
    final List<DeliveryKey> due = new ArrayList<>();
    final List<Retry> retries = new ArrayList<>();
    final List<DeliveryKey> buried = new ArrayList<>();
    final List<DeliveryKey> published = new ArrayList<>();
    int inFlight;

    DeliveryKey overdue(String subscription, int attempts) {
      DeliveryKey d = new DeliveryKey(UUID.randomUUID(), subscription, attempts, null);
      overdue.add(d);
      return d;
    }

    DeliveryKey due(String subscription, int attempts) {
      DeliveryKey d = new DeliveryKey(UUID.randomUUID(), subscription, attempts, null);
      due.add(d);
      return d;
    }

    private static List<DeliveryKey> take(List<DeliveryKey> from, int limit) {
      List<DeliveryKey> taken = new ArrayList<>(from.subList(0, Math.min(limit, from.size())));
      from.removeAll(taken);
      return taken;
    }

    @Override
    public List<DeliveryKey> claimOverdue(int limit, Duration lease) {
      return take(overdue, limit);
    }

    @Override
    public List<DeliveryKey> claimDue(int limit, Duration lease) {
      return take(due, limit);
    }

    @Override
    public Optional<DeliveryPolicy> policy(String subscription) {
      return subscription.equals("cart")
          ? Optional.of(new DeliveryPolicy(3, failures -> Duration.ofSeconds(failures)))
          : Optional.empty();
    }

    @Override
    public int retryLater(List<Retry> list) {
      retries.addAll(list);
      return list.size();
    }

    @Override
    public int bury(List<DeliveryKey> dead, String reason) {
      buried.addAll(dead);
      return dead.size();
    }

    @Override
    public void publish(List<DeliveryKey> list) {
      published.addAll(list);
    }

    @Override
    public int inFlight() {
      return inFlight;
    }
  }
}
