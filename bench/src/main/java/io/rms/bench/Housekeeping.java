package io.rms.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Housekeeping between and after the bare-API scenarios: waiting for the harness's consumers to
 * drain, cancelling what the prepare-only scenario left PREPARED, purging the run's queues, and a
 * short-lived RabbitMQ channel for such work.
 */
final class Housekeeping {
  private final BenchContext ctx;

  Housekeeping(BenchContext ctx) {
    this.ctx = ctx;
  }

  /** Waits until a bare-API consumer has acknowledged everything in flight (or 30 s pass). */
  static void drain(Consumer consumer) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    long last = -1;
    int still = 0;
    while (System.nanoTime() < deadline && still < 10) {
      long now = consumer.acked.get();
      still = now == last ? still + 1 : 0;
      last = now;
      Thread.sleep(50);
    }
  }

  /**
   * Cancels what the prepare-only scenario left PREPARED, so check-backs of it never run during the
   * later scenarios.
   */
  void cancelLeftPrepared() {
    List<UUID> chunk = new ArrayList<>(1000);
    UUID id;
    while ((id = ctx.leftPrepared.poll()) != null) {
      chunk.add(id);
      if (chunk.size() == 1000) {
        ctx.api.cancel(chunk);
        chunk.clear();
      }
    }
    if (!chunk.isEmpty()) {
      ctx.api.cancel(chunk);
    }
  }

  void purge() throws Exception {
    rabbit(
        ch -> {
          ch.queuePurge(ctx.prefix + Bench.SUBSCRIPTION);
          ch.queuePurge(ctx.prefix + Bench.ORDERED_SUBSCRIPTION);
        });
    ctx.confirmStarted.clear();
  }

  /** Work on one RabbitMQ channel. */
  @FunctionalInterface
  interface ChannelWork {
    void run(com.rabbitmq.client.Channel channel) throws Exception;
  }

  static void rabbit(ChannelWork work) throws Exception {
    com.rabbitmq.client.ConnectionFactory f = new com.rabbitmq.client.ConnectionFactory();
    f.setHost("127.0.0.1");
    try (var c = f.newConnection();
        var ch = c.createChannel()) {
      work.run(ch);
    }
  }
}
