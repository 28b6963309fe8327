package io.rms.service.testing;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads a queue of the test broker with basic.get (auto-ack), as a consumer would see it. */
public final class BrokerProbe implements AutoCloseable {
  private final Connection connection;
  private final Channel channel;
  private final String queue;

  /** A probe of {@code queue} on the broker at host:port. */
  public static BrokerProbe on(String host, int port, String queue) {
    return new BrokerProbe(host, port, queue);
  }

  BrokerProbe(String host, int port, String queue) {
    try {
      ConnectionFactory factory = new ConnectionFactory();
      factory.setHost(host);
      factory.setPort(port);
      this.connection = factory.newConnection();
      this.channel = connection.createChannel();
      this.queue = queue;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The next message, waiting up to {@code timeout}; null if none came. */
  public GetResponse next(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      do {
        GetResponse r = channel.basicGet(queue, true);
        if (r != null) {
          return r;
        }
        Thread.sleep(20);
      } while (System.nanoTime() < deadline);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every message that arrives within {@code quiet} of the previous one. */
  public List<GetResponse> drain(Duration quiet) {
    List<GetResponse> all = new ArrayList<>();
    GetResponse r;
    while ((r = next(quiet)) != null) {
      all.add(r);
    }
    return all;
  }

  /** Discards what is queued now. */
  public void purge() {
    try {
      channel.queuePurge(queue);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (Exception ignored) {
      // closing anyway
    }
  }
}
