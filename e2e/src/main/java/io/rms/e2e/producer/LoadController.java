package io.rms.e2e.producer;

import io.rms.producer.ReliableMessenger;
import io.rms.producer.SendOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Load commands: {@code POST /e2e/produce} starts a run of business transactions, each inserting a
 * row and sending one message; {@code GET /e2e/status} reports it. Keys are {@code <scenario>-<i>};
 * every {@code rollbackEvery}-th transaction throws after its send (rolled back); every {@code
 * poisonEvery}-th key ends in {@code -poison} (the consumer's handler always fails on those);
 * {@code hangMillis} keeps each transaction open that long after its send; with {@code orderedKeys}
 * > 0 the messages go to the ordered topic with ordering keys {@code <scenario>-k<i mod
 * orderedKeys>}; {@code topic} names another topic for them (the pull subscriptions' topics).
 */
@RestController
class LoadController {
  private final ReliableMessenger messenger;
  private final JdbcTemplate jdbc;
  private final TransactionTemplate tx;
  private final ProducerApp.HoldableCompleter completer;
  private final String topic;
  private volatile Run current;

  LoadController(
      ReliableMessenger messenger,
      JdbcTemplate jdbc,
      TransactionTemplate tx,
      ProducerApp.HoldableCompleter completer,
      ProducerApp.Schema schema,
      @Value("${e2e.topic:e2e.t}") String topic) {
    this.messenger = messenger;
    this.jdbc = jdbc;
    this.tx = tx;
    this.completer = completer;
    this.topic = topic;
  }

  @PostMapping("/e2e/produce")
  synchronized Map<String, Object> produce(
      @RequestParam String scenario,
      @RequestParam int n,
      @RequestParam(defaultValue = "8") int threads,
      @RequestParam(defaultValue = "0") int rollbackEvery,
      @RequestParam(defaultValue = "0") int poisonEvery,
      @RequestParam(defaultValue = "0") double rate,
      @RequestParam(defaultValue = "0") long hangMillis,
      @RequestParam(defaultValue = "false") boolean hangCommitsToo,
      @RequestParam(defaultValue = "0") int orderedKeys,
      @RequestParam(required = false) String topic) {
    if (current != null && !current.done()) {
      throw new IllegalStateException("a run is in progress");
    }
    Run run =
        new Run(
            scenario,
            n,
            rollbackEvery,
            poisonEvery,
            rate,
            hangMillis,
            hangCommitsToo,
            threads,
            orderedKeys,
            topic != null ? topic : orderedKeys > 0 ? ORDERED_TOPIC : this.topic);
    current = run;
    run.start();
    return run.status();
  }

  @GetMapping("/e2e/status")
  Map<String, Object> status() {
    Run run = current;
    return run == null ? Map.of("done", true) : run.status();
  }

  /** Drops confirms and cancels from now on (the process is about to be killed). */
  @PostMapping("/e2e/hold")
  Map<String, Object> hold(@RequestParam(defaultValue = "true") boolean on) {
    completer.hold(on);
    return Map.of("holding", on);
  }

  private final class Run {
    final String scenario;
    final int n;
    final int rollbackEvery;
    final int poisonEvery;
    final double rate;
    final long hangMillis;
    final boolean hangCommitsToo;
    final int threads;
    final int orderedKeys;
    final String topic;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger committed = new AtomicInteger();
    final AtomicInteger rolledBack = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger running = new AtomicInteger();
    final AtomicLong startNanos = new AtomicLong();
    volatile String lastError;

    Run(
        String scenario,
        int n,
        int rollbackEvery,
        int poisonEvery,
        double rate,
        long hangMillis,
        boolean hangCommitsToo,
        int threads,
        int orderedKeys,
        String topic) {
      this.scenario = scenario;
      this.n = n;
      this.rollbackEvery = rollbackEvery;
      this.poisonEvery = poisonEvery;
      this.rate = rate;
      this.hangMillis = hangMillis;
      this.hangCommitsToo = hangCommitsToo;
      this.threads = Math.max(1, threads);
      this.orderedKeys = orderedKeys;
      this.topic = topic;
    }

    void start() {
      startNanos.set(System.nanoTime());
      running.set(threads);
      for (int t = 0; t < threads; t++) {
        Thread worker = new Thread(this::work, "load-" + scenario + "-" + t);
        worker.setDaemon(true);
        worker.start();
      }
    }

    boolean done() {
      return running.get() == 0;
    }

    Map<String, Object> status() {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("scenario", scenario);
      s.put("n", n);
      s.put("started", Math.min(next.get(), n));
      s.put("committed", committed.get());
      s.put("rolledBack", rolledBack.get());
      s.put("failed", failed.get());
      s.put("done", done());
      s.put("lastError", lastError);
      return s;
    }

    private void work() {
      try {
        int i;
        while ((i = next.getAndIncrement()) < n) {
          pace(i);
          one(i);
        }
      } finally {
        running.decrementAndGet();
      }
    }

    private void pace(int i) {
      if (rate <= 0) {
        return;
      }
      long due = startNanos.get() + (long) (i * 1e9 / rate);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    private void one(int i) {
      boolean rollback = rollbackEvery > 0 && i % rollbackEvery == rollbackEvery - 1;
      boolean poison = !rollback && poisonEvery > 0 && i % poisonEvery == 0;
      String key = scenario + "-" + i + (poison ? "-poison" : "");
      try {
        jdbc.update("insert into attempt (key) values (?) on conflict do nothing", key);
        tx.executeWithoutResult(
            status -> {
              SendOptions options =
                  SendOptions.defaults().withProducerMessageId(key).withBusinessKey(key);
              UUID id =
                  orderedKeys > 0
                      ? messenger.send(
                          topic,
                          Map.of("key", key),
                          options.withOrderingKey(scenario + "-k" + i % orderedKeys))
                      : messenger.send(topic, Map.of("key", key), options);
              jdbc.update("insert into business (key, message_id) values (?, ?)", key, id);
              if (hangMillis > 0 && (rollback || hangCommitsToo)) {
                sleep(hangMillis);
              }
              if (rollback) {
                throw new RolledBack();
              }
            });
        committed.incrementAndGet();
      } catch (RolledBack expected) {
        rolledBack.incrementAndGet();
      } catch (RuntimeException e) {
        failed.incrementAndGet();
        lastError = e.toString();
      }
    }
  }

  /** The topic of the suite's ordered subscription. */
  static final String ORDERED_TOPIC = "e2e.ordered";

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Thrown to roll a business transaction back on purpose. */
  private static final class RolledBack extends RuntimeException {
    RolledBack() {
      super("rolled back on purpose", null, false, false);
    }
  }
}
