package io.rms.bench;

import io.rms.bench.producer.BenchProducerApp;
import io.rms.bench.producer.Orders;
import io.rms.bench.producer.PlacedOrders;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The {@code sdk} scenario's two applications as the harness sees them: the producer application
 * (started in this JVM, restartable with other properties) whose business transactions are the
 * load, and the consumer application's {@code handled} table, from which come the rate (what the
 * consumer handled in a window), the commit → handler latency and the invariants. Only the live
 * deliveries' rows count ({@code replay_id is null}); a replay's are counted apart ({@link
 * #replayedHandled()}).
 */
final class Sdk implements AutoCloseable {
  /** Every {@code ROLLBACK_EVERY}-th business transaction rolls back after its send. */
  static final int ROLLBACK_EVERY = 100;

  private final Db producerDb;
  private final Db consumerDb;
  private final Map<String, String> baseProperties;
  private final AtomicLong sequence = new AtomicLong();
  private final Set<String> rolledBack = ConcurrentHashMap.newKeySet();
  private final AtomicLong failed = new AtomicLong();
  private volatile String lastFailure;
  private ConfigurableApplicationContext context;
  private PlacedOrders orders;
  private Map<String, String> leverProperties = Map.of();

  /**
   * The harness's own connections for its polling (one each, kept open: a connection per poll would
   * fork a backend each time and bill the instances' CPU for the harness's watching).
   */
  private Connection producerWatch;

  private Connection consumerWatch;

  /** Open-loop runs only: order key → {intended start, commit} in epoch microseconds. */
  private final Map<String, long[]> stamps = new ConcurrentHashMap<>();

  Sdk(Db producerDb, Db consumerDb, int servicePort, int poolSize) {
    this.producerDb = producerDb;
    this.consumerDb = consumerDb;
    baseProperties = new LinkedHashMap<>();
    baseProperties.put("spring.datasource.url", producerDb.url());
    baseProperties.put("spring.datasource.username", "postgres");
    baseProperties.put("spring.datasource.hikari.maximum-pool-size", Integer.toString(poolSize));
    baseProperties.put("rms.client.base-url", "http://127.0.0.1:" + servicePort);
    baseProperties.put("rms.client.api-key", Bench.PRODUCER_KEY);
    baseProperties.put("logging.level.root", "WARN");
  }

  /**
   * (Re)starts the producer application with {@code properties} over the defaults; a no-op when it
   * already runs with them.
   */
  void producerWith(Map<String, String> properties) {
    if (context != null && properties.equals(leverProperties)) {
      return;
    }
    closeProducer();
    Map<String, String> all = new LinkedHashMap<>(baseProperties);
    all.putAll(properties);
    context = BenchProducerApp.start(all);
    orders = context.getBean(PlacedOrders.class);
    leverProperties = Map.copyOf(properties);
    Bench.log(
        "producer app (in this JVM) started with %s%s",
        properties, orders.traced() ? ", each order in a span" : "");
  }

  /** One business transaction, closed loop. */
  Load.Op op() {
    return intended -> place(null, true);
  }

  /**
   * One business transaction without the SDK's send (the order row and its commit), closed loop:
   * the {@code sdk-generator} scenario.
   */
  Load.Op opWithoutMessage() {
    return intended -> place(null, false);
  }

  /**
   * One business transaction without the SDK's send, open loop: its latency from the intended start
   * in {@code tx}.
   */
  Load.Op timedWithoutMessage(Recorder tx) {
    long offsetMicros = Orders.epochMicros() - System.nanoTime() / 1000;
    return intended -> {
      long[] stamp = {offsetMicros + intended / 1000, 0};
      if (place(stamp, false) != null) {
        tx.recordValue(Math.max(0, stamp[1] - stamp[0]));
      }
    };
  }

  /** One business transaction, open loop: its latency from the intended start in {@code tx}. */
  Load.Op timed(Recorder tx) {
    long offsetMicros = Orders.epochMicros() - System.nanoTime() / 1000;
    return intended -> {
      long[] stamp = {offsetMicros + intended / 1000, 0};
      String key = place(stamp, true);
      if (key != null) {
        stamps.put(key, stamp);
        tx.recordValue(Math.max(0, stamp[1] - stamp[0]));
      }
    };
  }

  /**
   * Places one order, with its message when {@code message}; the key when it committed, null when
   * it rolled back on purpose.
   */
  private String place(long[] stamp, boolean message) {
    long n = sequence.incrementAndGet();
    String key = "o-" + n;
    boolean rollBack = n % ROLLBACK_EVERY == 0;
    try {
      LongConsumer committedAt =
          at -> {
            if (stamp != null) {
              stamp[1] = at;
            }
          };
      if (message) {
        orders.place(key, n, rollBack, committedAt);
      } else {
        orders.placeWithoutMessage(key, n, rollBack, committedAt);
      }
      return key;
    } catch (Orders.RolledBack expected) {
      rolledBack.add(key);
      return null;
    } catch (RuntimeException e) {
      if (failed.incrementAndGet() <= 5) {
        Bench.log("  business transaction %s failed: %s", key, e);
      }
      lastFailure = e.toString();
      throw e;
    }
  }

  /** Messages the consumer handled with a handler start in [from, to) (epoch microseconds). */
  long handledBetween(long fromMicros, long toMicros) throws SQLException {
    return count(
        consumer(),
        "select count(*) from handled where replay_id is null and handler_start_us >= "
            + fromMicros
            + " and handler_start_us < "
            + toMicros);
  }

  /** The producer's committed orders (since {@link #clear()}). */
  long committed() throws SQLException {
    return count(producer(), "select count(*) from orders");
  }

  long handled() throws SQLException {
    return count(consumer(), "select count(*) from handled where replay_id is null");
  }

  /** Rows the consumer wrote for replayed deliveries (since {@link #clear()}). */
  long replayedHandled() throws SQLException {
    return count(consumer(), "select count(*) from handled where replay_id is not null");
  }

  private Connection consumer() throws SQLException {
    if (consumerWatch == null) {
      consumerWatch = consumerDb.connect();
    }
    return consumerWatch;
  }

  private Connection producer() throws SQLException {
    if (producerWatch == null) {
      producerWatch = producerDb.connect();
    }
    return producerWatch;
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static long now() {
    return Orders.epochMicros();
  }

  /**
   * Waits until the consumer has handled a message of every committed order, or until no message
   * arrived for {@code quietSeconds}.
   */
  void drain(double quietSeconds) throws Exception {
    long last = -1;
    long lastChange = System.nanoTime();
    while (true) {
      long committed = count(producer(), "select count(*) from orders");
      long handledRows = handled();
      if (handledRows >= committed) {
        Thread.sleep(300);
        return;
      }
      if (handledRows != last) {
        last = handledRows;
        lastChange = System.nanoTime();
      } else if ((System.nanoTime() - lastChange) / 1e9 > quietSeconds) {
        Bench.log("  drain gave up: %d of %d committed orders handled", handledRows, committed);
        return;
      }
      Thread.sleep(250);
    }
  }

  /** Forgets the orders and handled messages of earlier runs (after a drain). */
  void clear() throws SQLException {
    producerDb.execute("truncate orders");
    consumerDb.execute("truncate handled");
    rolledBack.clear();
    stamps.clear();
    failed.set(0);
  }

  /**
   * Commit → handler and intended start → handler of the open-loop run's messages (their first live
   * handling; replayed deliveries' rows left out, {@link HandledLatencies}), from the consumer's
   * rows.
   */
  Map<String, Histogram> latencies() throws SQLException {
    HandledLatencies rows = new HandledLatencies();
    try (Connection c = consumerDb.connect();
        PreparedStatement ps =
            c.prepareStatement("select key, handler_start_us, replay_id from handled");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.add(new HandledLatencies.Row(rs.getString(1), rs.getLong(2), rs.getString(3)));
      }
    }
    return rows.histograms(stamps);
  }

  /**
   * Every committed order's message handled exactly once, and none of a rolled-back (or failed)
   * transaction: the producer's orders against the consumer's live handled rows since {@link
   * #clear()} (a replay's rows are counted as {@code replayed}, not as duplicates).
   */
  Map<String, Object> invariants() throws SQLException {
    Set<String> committed = new HashSet<>();
    try (Connection c = producerDb.connect();
        ResultSet rs = c.createStatement().executeQuery("select key from orders")) {
      while (rs.next()) {
        committed.add(rs.getString(1));
      }
    }
    Map<String, Integer> handled = new HashMap<>();
    try (Connection c = consumerDb.connect();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "select key, count(*) from handled where replay_id is null group by key")) {
      while (rs.next()) {
        handled.put(rs.getString(1), rs.getInt(2));
      }
    }
    long lost = committed.stream().filter(k -> !handled.containsKey(k)).count();
    long duplicated = handled.entrySet().stream().filter(e -> e.getValue() > 1).count();
    long phantom = handled.keySet().stream().filter(k -> !committed.contains(k)).count();
    long phantomOfRollback = handled.keySet().stream().filter(rolledBack::contains).count();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("committed", committed.size());
    m.put("rolled_back", rolledBack.size());
    m.put("failed", failed.get());
    m.put("handled", handled.values().stream().mapToLong(Integer::longValue).sum());
    m.put("lost", lost);
    m.put("duplicated", duplicated);
    m.put("phantom", phantom);
    m.put("phantom_of_rolled_back", phantomOfRollback);
    m.put("replayed", replayedHandled());
    m.put("ok", lost == 0 && duplicated == 0 && phantom == 0);
    if (lastFailure != null) {
      m.put("last_failure", lastFailure);
    }
    return m;
  }

  private void closeProducer() {
    if (context != null) {
      context.close();
      context = null;
      orders = null;
    }
  }

  @Override
  public void close() throws SQLException {
    closeProducer();
    for (Connection c : new Connection[] {producerWatch, consumerWatch}) {
      if (c != null) {
        c.close();
      }
    }
  }
}
