package io.rms.e2e.model;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * The test's consumer of the subscription's queue: manual acks, prefetch 10, so several copies can
 * be in its hands at once. Every copy is recorded in the {@link History} the moment it arrives and
 * waits in the inbox until a step handles it. The consumer acks a copy to the broker only after its
 * REST ack or nack; a {@link #crash()} closes the connection instead, and the broker requeues what
 * was not acked.
 */
final class ModelConsumer implements AutoCloseable {
  static final int PREFETCH = 10;

  /** A copy in the consumer's hands; {@code generation} is the connection it came on. */
  record Copy(History.Arrival arrival, long tag, int generation) {
    UUID id() {
      return arrival.id();
    }
  }

  private final int port;
  private final History history;
  private final List<Copy> inbox = new ArrayList<>();

  /** Tags settled on the current connection (a second ack of a tag would close the channel). */
  private final java.util.Set<Long> settled = new java.util.HashSet<>();

  private String queue;
  private Connection connection;
  private Channel channel;
  private int generation;

  ModelConsumer(int amqpPort, History history) {
    this.port = amqpPort;
    this.history = history;
  }

  /** Starts consuming {@code queue} (declared by the service) on a new connection. */
  synchronized void open(String queue) {
    this.queue = queue;
    ConnectionFactory f = new ConnectionFactory();
    f.setHost("127.0.0.1");
    f.setPort(port);
    f.setUsername("guest");
    f.setPassword("guest");
    f.setAutomaticRecoveryEnabled(false);
    try {
      connection = f.newConnection("model-consumer");
      channel = connection.createChannel();
      channel.basicQos(PREFETCH);
      int gen = ++generation;
      settled.clear();
      channel.basicConsume(queue, false, (tag, d) -> arrived(d, gen), tag -> {});
    } catch (IOException | TimeoutException e) {
      throw new IllegalStateException("cannot consume " + queue, e);
    }
  }

  private void arrived(Delivery d, int gen) {
    Map<String, Object> h = d.getProperties().getHeaders();
    String key = header(h, "x-rms-ordering-key");
    String seq = header(h, "x-rms-sequence");
    String attempt = header(h, "x-rms-attempt");
    History.Arrival a =
        history.arrived(
            UUID.fromString(d.getProperties().getMessageId()),
            header(h, "x-rms-topic"),
            key,
            seq == null ? null : Long.valueOf(seq),
            attempt == null ? 0 : Integer.parseInt(attempt),
            d.getEnvelope().isRedeliver());
    synchronized (this) {
      if (gen == generation) {
        inbox.add(new Copy(a, d.getEnvelope().getDeliveryTag(), gen));
      }
    }
  }

  private static String header(Map<String, Object> headers, String name) {
    Object v = headers == null ? null : headers.get(name);
    return v == null ? null : v.toString();
  }

  /** Takes up to {@code n} copies out of the inbox, oldest first. */
  synchronized List<Copy> take(int n) {
    List<Copy> taken = new ArrayList<>(inbox.subList(0, Math.min(n, inbox.size())));
    inbox.subList(0, taken.size()).clear();
    return taken;
  }

  synchronized int waiting() {
    return inbox.size();
  }

  /** Acks the copy to the broker, if its connection is still the current one. */
  synchronized void settle(Copy copy) {
    if (copy.generation() != generation
        || channel == null
        || !channel.isOpen()
        || !settled.add(copy.tag())) {
      return;
    }
    try {
      channel.basicAck(copy.tag(), false);
    } catch (IOException | RuntimeException e) {
      // the channel died meanwhile: the broker requeues the copy, a duplicate follows
    }
  }

  /**
   * The consumer process dies mid-handler: the connection is aborted without any ack; the copies in
   * the inbox are lost to it (the broker requeues them). Returns them.
   */
  List<Copy> crash() {
    List<Copy> lost;
    Connection dying;
    synchronized (this) {
      lost = new ArrayList<>(inbox);
      inbox.clear();
      generation++;
      dying = connection;
      connection = null;
      channel = null;
    }
    if (dying != null) {
      dying.abort(2000);
    }
    return lost;
  }

  /** Starts again after a {@link #crash()}. */
  synchronized void restart() {
    open(queue);
  }

  @Override
  public void close() {
    crash();
  }
}
