package io.rms.service.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rms.api.ErrorCode;
import io.rms.service.message.GroupCommit.Command;
import io.rms.service.problem.RmsProblem;
import io.rms.service.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
  private final List<List<Command>> transactions = Collections.synchronizedList(new ArrayList<>());
  private final ExecutorService callers = Executors.newFixedThreadPool(8);
  private GroupCommit group;

  @AfterEach
  void close() {
    callers.shutdownNow();
    if (group != null) {
      group.close();
    }
  }

  /** A transaction that records which commands it held and runs them in order. */
  private List<Outcome> recording(List<Command> commands) {
    transactions.add(commands);
    return commands.stream().map(Command::run).toList();
  }

  private final CountDownLatch firstInside = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  /** Like {@link #recording}, but the first transaction holds its committer until released. */
  private List<Outcome> blockingFirst(List<Command> commands) {
    if (transactions.isEmpty()) {
      firstInside.countDown();
      await(release);
    }
    return recording(commands);
  }

  private static Outcome outcome(boolean created) {
    return new Outcome(null, created, null, List.of());
  }

  private void awaitQueued(int n) {
    Await.until(Duration.ofSeconds(5), n + " commands queued", () -> group.queued() == n);
  }

  @Test
  void aLoneCommandRunsInATransactionOfItsOwn() {
    group = new GroupCommit(this::recording, 2, 64, n -> {});
    Outcome mine = outcome(true);

    assertThat(group.run(() -> mine)).isSameAs(mine);
    assertThat(transactions).hasSize(1);
    assertThat(transactions.get(0)).hasSize(1);
  }

  @Test
  void commandsQueuedBehindABusyCommitterShareOneTransactionAndEachGetsItsOwnOutcome()
      throws Exception {
    group = new GroupCommit(this::blockingFirst, 1, 64, n -> {});
    Outcome first = outcome(true);
    Future<Outcome> blocker = callers.submit(() -> group.run(() -> first));
    assertThat(firstInside.await(5, TimeUnit.SECONDS)).isTrue();

    List<Outcome> expected = new ArrayList<>();
    List<Future<Outcome>> queued = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Outcome mine = outcome(i % 2 == 0);
      expected.add(mine);
      queued.add(callers.submit(() -> group.run(() -> mine)));
    }
    awaitQueued(5); // the five calls queue up behind the busy committer
    release.countDown();

    assertThat(blocker.get(5, TimeUnit.SECONDS)).isSameAs(first);
    for (int i = 0; i < 5; i++) {
      assertThat(queued.get(i).get(5, TimeUnit.SECONDS)).isSameAs(expected.get(i));
    }
    assertThat(transactions).hasSize(2);
    assertThat(transactions.get(1)).hasSize(5);
  }

  @Test
  void aBatchNeverExceedsMaxBatch() throws Exception {
    group = new GroupCommit(this::blockingFirst, 1, 3, n -> {});
    List<Future<Outcome>> calls = new ArrayList<>();
    calls.add(callers.submit(() -> group.run(() -> outcome(false))));
    assertThat(firstInside.await(5, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 7; i++) {
      calls.add(callers.submit(() -> group.run(() -> outcome(false))));
    }
    awaitQueued(7);
    release.countDown();
    for (Future<Outcome> call : calls) {
      call.get(5, TimeUnit.SECONDS);
    }

    assertThat(transactions).allSatisfy(t -> assertThat(t.size()).isBetween(1, 3));
    assertThat(transactions.stream().mapToInt(List::size).sum()).isEqualTo(8);
  }

  @Test
  void whenASharedTransactionFailsEachCommandRunsAloneAndOnlyTheBadOneFails() throws Exception {
    IllegalStateException boom = new IllegalStateException("lost five races");
    group = new GroupCommit(this::blockingFirst, 1, 64, n -> {});
    callers.submit(() -> group.run(() -> outcome(false)));
    assertThat(firstInside.await(5, TimeUnit.SECONDS)).isTrue();
    Outcome good1 = outcome(true);
    Outcome good2 = outcome(true);
    Future<Outcome> a = callers.submit(() -> group.run(() -> good1));
    Future<Outcome> bad =
        callers.submit(
            () ->
                group.run(
                    () -> {
                      throw boom;
                    }));
    Future<Outcome> b = callers.submit(() -> group.run(() -> good2));
    awaitQueued(3);
    release.countDown();

    assertThat(a.get(5, TimeUnit.SECONDS)).isSameAs(good1);
    assertThat(b.get(5, TimeUnit.SECONDS)).isSameAs(good2);
    assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS)).hasCause(boom);
    // the blocker alone, the failed shared one, then three on their own
    assertThat(transactions.stream().map(List::size).toList()).containsExactly(1, 3, 1, 1, 1);
  }

  @Test
  void aRefusalBeforeAnyChangeBecomesTheCommandsOutcome() {
    RmsProblem notFound = new RmsProblem(ErrorCode.NOT_FOUND, "no such message");
    Command failing =
        () -> {
          throw notFound;
        };

    Outcome outcome = failing.refusalAsOutcome().run();

    assertThat(outcome.problem()).isSameAs(notFound);
    assertThat(outcome.toPublish()).isEmpty();
  }

  @Test
  void afterCloseCommandsRunOnTheCallersThread() {
    group = new GroupCommit(this::recording, 1, 64, n -> {});
    group.close();
    Thread caller = Thread.currentThread();
    List<Thread> ranOn = new ArrayList<>();

    group.run(
        () -> {
          ranOn.add(Thread.currentThread());
          return outcome(false);
        });

    assertThat(ranOn).containsExactly(caller);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
