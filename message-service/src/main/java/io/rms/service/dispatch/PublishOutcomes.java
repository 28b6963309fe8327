package io.rms.service.dispatch;

import io.rms.service.config.RmsProperties;
import io.rms.service.message.DeliveryBookkeeping;
import io.rms.service.message.DeliveryStore.Published;
import io.rms.service.message.PublishListener;
import io.rms.service.message.PublishRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Collects publish outcomes from the broker's confirm threads and writes them in batches: all
 * confirmed publishes that arrived together become one {@code UPDATE}. Failures are recorded one by
 * one (rare). If the database cannot be written, the deliveries simply stay SCHEDULED and are
 * republished by the sweep (a duplicate the consumer SDK absorbs), so nothing is lost.
 */
@Component
public class PublishOutcomes implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(PublishOutcomes.class);
  private static final int BATCH = 500;

  private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private final DeliveryBookkeeping bookkeeping;
  private final Duration failureRetry;
  private final ObjectProvider<PublishListener> listenerBeans;
  private volatile List<PublishListener> listeners = List.of();
  private volatile boolean running;
  private Thread writer;

  PublishOutcomes(
      DeliveryBookkeeping bookkeeping,
      RmsProperties properties,
      ObjectProvider<PublishListener> listenerBeans) {
    this.bookkeeping = bookkeeping;
    this.failureRetry = properties.dispatch().failureRetry();
    this.listenerBeans = listenerBeans;
  }

  /** The broker confirmed the publish and did not return it. */
  void published(PublishRequest request) {
    queue.add(new Item(request, null));
  }

  /** The publish failed (nack, return, timeout, broker unreachable). */
  void failed(PublishRequest request, String reason) {
    queue.add(new Item(request, reason));
  }

  private record Item(PublishRequest request, String failure) {}

  private void loop() {
    List<Item> batch = new ArrayList<>(BATCH);
    while (running || !queue.isEmpty()) {
      try {
        Item first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        write(batch);
        notify(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.warn(
            "cannot record {} publish outcomes; the sweep will republish them", batch.size(), e);
      } finally {
        batch.clear();
      }
    }
  }

  private void write(List<Item> batch) {
    List<Published> ok = new ArrayList<>(batch.size());
    for (Item item : batch) {
      PublishRequest r = item.request();
      if (item.failure() == null) {
        ok.add(new Published(r.messageId(), r.subscription(), r.attempt(), r.ackTimeout()));
      } else {
        bookkeeping.publishFailed(
            r.messageId(), r.subscription(), r.attempt(), item.failure(), failureRetry);
      }
    }
    bookkeeping.published(ok);
  }

  private void notify(List<Item> batch) {
    for (PublishListener listener : listeners) {
      for (Item item : batch) {
        listener.recorded(item.request());
      }
    }
  }

  @Override
  public void start() {
    // resolved here, not in the constructor: listeners publish through the dispatcher (a cycle)
    listeners = listenerBeans.orderedStream().toList();
    running = true;
    writer = new Thread(this::loop, "rms-publish-outcomes");
    writer.setDaemon(true);
    writer.start();
  }

  /** Stops after writing what is queued (in-flight confirms arrive first: see phase). */
  @Override
  public void stop() {
    running = false;
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Stops after the publisher (higher phase stops first) so late confirms are still written. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE - 2000;
  }
}
