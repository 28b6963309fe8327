package io.rms.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** The raw limits of the same PostgreSQL and RabbitMQ, measured in the same run. */
final class Baselines {
  private Baselines() {}

  /**
   * Baseline A: single-row inserts of a ~1 KiB message-shaped row, one commit each, from 32
   * connections: the database's commit limit.
   */
  static Load.Run jdbcInserts(Db database, int connections, double seconds) throws Exception {
    createRawTable(database, "bench_raw");
    byte[] payload = ("{\"pad\":\"" + "x".repeat(1000) + "\"}").getBytes(StandardCharsets.UTF_8);
    List<Connection> pool = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      Connection c = database.connect();
      c.setAutoCommit(true);
      pool.add(c);
    }
    ThreadLocal<PreparedStatement> statements = new ThreadLocal<>();
    AtomicLong next = new AtomicLong();
    try {
      return Load.closed(
          connections,
          seconds,
          intended -> {
            PreparedStatement ps = statements.get();
            if (ps == null) {
              ps =
                  pool.get((int) (next.getAndIncrement() % connections))
                      .prepareStatement(
                          "insert into bench_raw (id, app_id, topic, status, payload) values (?, 'bench', 'bench.topic', 'PREPARED', ?)");
              statements.set(ps);
            }
            ps.setObject(1, UUID.randomUUID());
            ps.setBytes(2, payload);
            ps.executeUpdate();
          });
    } finally {
      for (Connection c : pool) {
        c.close();
      }
      database.execute("drop table bench_raw");
    }
  }

  /**
   * The latency floor of a commit: the same single-row inserts at a constant {@code rate} per
   * second (open loop, 32 connections), each timed from its intended start, as the scenarios' calls
   * are.
   */
  static Histogram jdbcInsertLatency(Db database, double rate, double seconds) throws Exception {
    createRawTable(database, "bench_raw_latency");
    byte[] payload = ("{\"pad\":\"" + "x".repeat(1000) + "\"}").getBytes(StandardCharsets.UTF_8);
    BlockingQueue<Connection> pool = new ArrayBlockingQueue<>(32);
    for (int i = 0; i < 32; i++) {
      pool.add(database.connect());
    }
    Recorder latency = new Recorder(3);
    try {
      Load.open(
          rate,
          seconds,
          64,
          intended -> {
            Connection c = pool.take();
            try (PreparedStatement ps =
                c.prepareStatement(
                    "insert into bench_raw_latency (id, app_id, topic, status, payload) values (?, 'bench', 'bench.topic', 'PREPARED', ?)")) {
              ps.setObject(1, UUID.randomUUID());
              ps.setBytes(2, payload);
              ps.executeUpdate();
            } finally {
              pool.add(c);
            }
            latency.recordValue((System.nanoTime() - intended) / 1000);
          },
          late -> {});
      return latency.getIntervalHistogram();
    } finally {
      for (Connection c : pool) {
        c.close();
      }
      database.execute("drop table bench_raw_latency");
    }
  }

  /** A table shaped like the message table's hot columns, for the raw inserts. */
  private static void createRawTable(Db database, String table) throws Exception {
    database.execute(
        """
        create table if not exists %s (
          id uuid primary key, app_id text not null, topic text not null, status text not null,
          payload bytea not null, created_at timestamptz not null default now())
        """
            .formatted(table));
  }

  /**
   * Baseline B: persistent 1 KiB publishes with asynchronous publisher confirms (a window of 1,000
   * unconfirmed per channel) on 4 channels: the broker's limit.
   */
  static Load.Run rabbitPublishes(String queue, double seconds) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setPort(5672);
    byte[] body = "x".repeat(1024).getBytes(StandardCharsets.UTF_8);
    try (com.rabbitmq.client.Connection connection = factory.newConnection()) {
      Channel admin = connection.createChannel();
      admin.queueDeclare(queue, true, false, false, null);
      AtomicLong confirmed = new AtomicLong();
      int channels = 4;
      List<Thread> threads = new ArrayList<>();
      long end = System.nanoTime() + (long) (seconds * 1e9);
      long started = System.nanoTime();
      for (int i = 0; i < channels; i++) {
        Channel ch = connection.createChannel();
        ch.confirmSelect();
        Semaphore window = new Semaphore(1000);
        ch.addConfirmListener(
            (tag, multiple) -> release(window, confirmed, ch, tag, multiple),
            (tag, multiple) -> release(window, null, ch, tag, multiple));
        Thread t =
            new Thread(
                () -> {
                  try {
                    while (System.nanoTime() < end) {
                      window.acquire();
                      synchronized (ch) {
                        ch.basicPublish("", queue, true, MessageProperties.PERSISTENT_BASIC, body);
                      }
                    }
                    ch.waitForConfirms(30_000);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        t.join();
      }
      double elapsed = (System.nanoTime() - started) / 1e9;
      admin.queueDelete(queue);
      return new Load.Run(confirmed.get(), elapsed, 0);
    }
  }

  private static final java.util.Map<Channel, long[]> LAST =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static void release(
      Semaphore window, AtomicLong confirmed, Channel ch, long tag, boolean multiple) {
    long[] last = LAST.computeIfAbsent(ch, c -> new long[1]);
    int n;
    synchronized (last) {
      n = multiple ? (int) (tag - last[0]) : 1;
      last[0] = Math.max(last[0], tag);
    }
    if (confirmed != null) {
      confirmed.addAndGet(n);
    }
    window.release(n);
  }
}
