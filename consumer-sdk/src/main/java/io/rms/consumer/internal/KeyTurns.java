package io.rms.consumer.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * Runs the tasks of one key one at a time, in the order they arrive; tasks of different keys never
 * wait for each other (keys are compared with {@code equals}, so keys whose hash codes collide do
 * not block each other).
 *
 * <p>Each key in flight has one map entry: the completion of its last arrived task (the key's
 * tail). A task swaps itself in as the new tail, waits for the tail it replaced, runs, completes,
 * and removes the entry if it is still the tail. So the map holds only keys with a task running or
 * waiting, and is empty when the work drains, however many distinct keys pass through. A task that
 * throws still completes its turn.
 */
final class KeyTurns {
  private final ConcurrentHashMap<String, CompletableFuture<Void>> tails =
      new ConcurrentHashMap<>();

  /**
   * Runs {@code task} on this thread once every task of {@code key} that arrived before it has
   * finished.
   *
   * @throws InterruptedException if the thread is interrupted while it waits; the task did not run,
   *     and the key's later tasks still wait for the earlier ones
   */
  <T> T run(String key, Supplier<T> task) throws InterruptedException {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> previous = tails.put(key, mine);
    if (previous != null) {
      try {
        previous.get();
      } catch (InterruptedException e) {
        // give the turn on only when the earlier task is done, so no later task overtakes it
        previous.whenComplete((done, failure) -> finish(key, mine));
        throw e;
      } catch (ExecutionException e) {
        throw new IllegalStateException("a turn never completes exceptionally", e);
      }
    }
    try {
      return task.get();
    } finally {
      finish(key, mine);
    }
  }

  private void finish(String key, CompletableFuture<Void> mine) {
    tails.remove(key, mine);
    mine.complete(null);
  }

  /** Keys with a task running or waiting now. */
  int keysInFlight() {
    return tails.size();
  }
}
