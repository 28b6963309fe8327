package io.rms.service.message;

import io.rms.service.problem.RmsProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: single commands that arrive together share one transaction. A few committer threads
 * each take what has queued up (at most {@code maxBatch}) and hand it to {@code commit} as one
 * transaction; each caller waits for its own outcome only. Nothing waits for a batch to fill: with
 * an idle committer a lone command runs at once, so batches grow only when calls queue up anyway.
 * When a shared transaction fails, its commands run again one transaction each, so one bad command
 * never fails another.
 */
final class GroupCommit implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

  /** A command waiting for its committer. */
  private record Pending(Command command, CompletableFuture<Outcome> result) {}

  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Function<List<Command>, List<Outcome>> commit;
  private final int maxBatch;
  private final IntConsumer committed;
  private final List<Thread> committers = new ArrayList<>();
  private volatile boolean closed;

  /**
   * @param commit runs the commands in one transaction and returns their outcomes in order
   * @param committers concurrent transactions (database connections) of the hot path
   * @param maxBatch most commands in one transaction
   * @param committed told the number of commands of each committed shared transaction
   */
  GroupCommit(
      Function<List<Command>, List<Outcome>> commit,
      int committers,
      int maxBatch,
      IntConsumer committed) {
    this.commit = commit;
    this.maxBatch = maxBatch;
    this.committed = committed;
    for (int i = 0; i < committers; i++) {
      Thread t = new Thread(this::loop, "rms-committer-" + i);
      t.setDaemon(true);
      t.start();
      this.committers.add(t);
    }
  }

  /** Runs the command in whichever transaction takes it next; returns its outcome. */
  Outcome run(Command command) {
    if (closed) {
      return commit.apply(List.of(command)).get(0);
    }
    CompletableFuture<Outcome> result = new CompletableFuture<>();
    queue.add(new Pending(command, result));
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the commit", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Commands waiting for a committer. */
  int queued() {
    return queue.size();
  }

  private void loop() {
    List<Pending> batch = new ArrayList<>(maxBatch);
    while (!closed || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        commitBatch(batch);
      } catch (InterruptedException e) {
        if (closed) {
          break;
        }
      } catch (RuntimeException | Error unexpected) {
        batch.forEach(p -> p.result().completeExceptionally(unexpected));
      } finally {
        batch.clear();
      }
    }
  }

  private void commitBatch(List<Pending> batch) {
    if (batch.size() > 1) {
      try {
        List<Outcome> outcomes = commit.apply(batch.stream().map(Pending::command).toList());
        committed.accept(batch.size());
        for (int i = 0; i < batch.size(); i++) {
          batch.get(i).result().complete(outcomes.get(i));
        }
        return;
      } catch (RuntimeException shared) {
        log.debug("shared transaction of {} commands failed; one by one", batch.size(), shared);
      }
    }
    for (Pending p : batch) {
      try {
        Outcome outcome = commit.apply(List.of(p.command())).get(0);
        committed.accept(1);
        p.result().complete(outcome);
      } catch (RuntimeException e) {
        p.result().completeExceptionally(e);
      }
    }
  }

  /** Finishes what is queued, then runs later commands on the caller's thread. */
  @Override
  public void close() {
    closed = true;
    for (Thread t : committers) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** One command run inside a transaction. */
  @FunctionalInterface
  interface Command {
    Outcome run();

    /**
     * The ordering keys the command may lock, which its transaction claims before it runs any
     * command ({@link KeyLocks}).
     */
    default KeyLocks.Claim claim() {
      return KeyLocks.Claim.NONE;
    }

    /** A command that may lock the keys of {@code claim}. */
    static Command claiming(KeyLocks.Claim claim, Command command) {
      return new Command() {
        @Override
        public Outcome run() {
          return command.run();
        }

        @Override
        public KeyLocks.Claim claim() {
          return claim;
        }
      };
    }

    /**
     * This command, with a refusal thrown before it changed anything (an unknown id) returned as
     * its outcome, so it cannot roll back the commands sharing its transaction.
     */
    default Command refusalAsOutcome() {
      Command self = this;
      return claiming(
          claim(),
          () -> {
            try {
              return self.run();
            } catch (RmsProblem problem) {
              return new Outcome(null, false, problem, List.of());
            }
          });
    }
  }
}
