package io.rms.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * A consumer as the consumer SDK behaves: receives from the subscription's queue, acknowledges
 * through the API in batches (up to 200 ids or 5 ms), then acks the AMQP deliveries. Records the
 * time from the producer's confirm call to receipt.
 */
final class Consumer implements AutoCloseable {
  private final Connection connection;
  private final Api api;
  private final String subscription;
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final List<Thread> ackers = new ArrayList<>();
  private final Map<UUID, Long> confirmStarted;
  final AtomicLong acked = new AtomicLong();

  /** {@link System#nanoTime()} of the latest acknowledgement. */
  volatile long lastAckNanos = System.nanoTime();

  final AtomicLong receivedCount = new AtomicLong();
  final AtomicLong ackFailures = new AtomicLong();
  final Recorder endToEnd = new Recorder(3);
  private volatile boolean running = true;

  private record Received(UUID id, Channel channel, long tag) {}

  Consumer(String queue, String subscription, Api api, Map<UUID, Long> confirmStarted, int channels)
      throws Exception {
    this.api = api;
    this.subscription = subscription;
    this.confirmStarted = confirmStarted;
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setPort(5672);
    connection = factory.newConnection();
    for (int i = 0; i < channels; i++) {
      Channel channel = connection.createChannel();
      channel.basicQos(500);
      channel.basicConsume(
          queue,
          false,
          new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(
                String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
              UUID id = UUID.fromString(props.getMessageId());
              Long started = confirmStarted.remove(id);
              if (started != null) {
                endToEnd.recordValue(Math.max(0, System.nanoTime() - started) / 1000);
              }
              receivedCount.incrementAndGet();
              received.add(new Received(id, getChannel(), envelope.getDeliveryTag()));
            }
          });
    }
    for (int i = 0; i < 4; i++) {
      Thread t = new Thread(this::ackLoop, "bench-acker-" + i);
      t.setDaemon(true);
      t.start();
      ackers.add(t);
    }
  }

  private void ackLoop() {
    List<Received> batch = new ArrayList<>();
    while (running) {
      try {
        Received first = received.poll(50, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
        while (batch.size() < 200 && System.nanoTime() < until) {
          Received next = received.poll(1, TimeUnit.MILLISECONDS);
          if (next != null) {
            batch.add(next);
          }
        }
        api.ack(subscription, batch.stream().map(Received::id).toList());
        for (Received r : batch) {
          synchronized (r.channel()) {
            r.channel().basicAck(r.tag(), false);
          }
        }
        acked.addAndGet(batch.size());
        lastAckNanos = System.nanoTime();
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        // the service redelivers what was not acked
        ackFailures.incrementAndGet();
        if (ackFailures.get() < 5) {
          Bench.log("ack failed: %s", e);
        }
      } finally {
        batch.clear();
      }
    }
  }

  @Override
  public void close() throws Exception {
    running = false;
    for (Thread t : ackers) {
      t.join(2000);
    }
    connection.close();
  }
}
