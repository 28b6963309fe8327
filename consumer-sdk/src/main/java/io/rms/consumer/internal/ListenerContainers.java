package io.rms.consumer.internal;

import io.rms.sdk.client.ResilientRmsClient;
import io.rms.sdk.client.SdkTracing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * One listener container per {@link io.rms.consumer.ReliableMessageListener} method, on the
 * subscription's queue, acking to the broker per delivery or in batches ({@link AmqpAckBatch});
 * plus the inbox's table and cleaner once a listener exists.
 */
public final class ListenerContainers implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(ListenerContainers.class);

  /**
   * Settings of the containers and the inbox.
   *
   * @param amqpAcks how deliveries are acked to the broker; its batch must fit in the prefetch
   */
  public record Settings(
      String queuePrefix,
      int prefetch,
      boolean initializeSchema,
      Duration inboxRetention,
      Duration cleanupInterval,
      AmqpAckBatch amqpAcks) {

    public Settings {
      amqpAcks.checkFits(prefetch);
    }
  }

  private final ListenerRegistrar registrar;
  private final ConnectionFactory connectionFactory;
  private final Inbox inbox;
  private final TransactionTemplate tx;
  private final AckBatcher acks;
  private final ResilientRmsClient client;
  private final JsonMapper json;
  private final Settings settings;
  private final SdkTracing tracing;
  private final List<SimpleMessageListenerContainer> containers = new ArrayList<>();
  private final ListenerStats stats = new ListenerStats();
  private ScheduledExecutorService cleaner;
  private volatile boolean running;

  public ListenerContainers(
      ListenerRegistrar registrar,
      ConnectionFactory connectionFactory,
      Inbox inbox,
      TransactionTemplate tx,
      AckBatcher acks,
      ResilientRmsClient client,
      JsonMapper json,
      Settings settings) {
    this(registrar, connectionFactory, inbox, tx, acks, client, json, settings, SdkTracing.NONE);
  }

  /** With trace context continued around each handler by {@code tracing}. */
  public ListenerContainers(
      ListenerRegistrar registrar,
      ConnectionFactory connectionFactory,
      Inbox inbox,
      TransactionTemplate tx,
      AckBatcher acks,
      ResilientRmsClient client,
      JsonMapper json,
      Settings settings,
      SdkTracing tracing) {
    this.tracing = tracing;
    this.registrar = registrar;
    this.connectionFactory = connectionFactory;
    this.inbox = inbox;
    this.tx = tx;
    this.acks = acks;
    this.client = client;
    this.json = json;
    this.settings = settings;
  }

  @Override
  public synchronized void start() {
    List<ListenerMethod> listeners = registrar.listeners();
    if (!listeners.isEmpty()) {
      if (settings.initializeSchema()) {
        inbox.createSchema();
      }
      startCleaner();
    }
    for (ListenerMethod listener : listeners) {
      String queue =
          listener.annotation().queue().isEmpty()
              ? settings.queuePrefix() + listener.subscription()
              : listener.annotation().queue();
      SimpleMessageListenerContainer container =
          new SimpleMessageListenerContainer(connectionFactory);
      container.setQueueNames(queue);
      settings.amqpAcks().applyTo(container);
      container.setPrefetchCount(settings.prefetch());
      container.setConcurrentConsumers(Math.max(1, listener.annotation().concurrency()));
      container.setDefaultRequeueRejected(false);
      container.setMissingQueuesFatal(false);
      container.setBeanName("rms-listener-" + listener.subscription());
      container.setMessageListener(
          new DeliveryProcessor(
              listener,
              inbox,
              tx,
              acks,
              client,
              json,
              stats,
              tracing,
              settings.amqpAcks().perDelivery()));
      container.afterPropertiesSet();
      container.start();
      containers.add(container);
      log.info(
          "{} listens on queue {} (subscription {}, AMQP acks {})",
          listener,
          queue,
          listener.subscription(),
          settings.amqpAcks().perDelivery()
              ? "per delivery"
              : "per " + settings.amqpAcks().size() + " deliveries");
    }
    running = true;
  }

  private void startCleaner() {
    cleaner =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "rms-inbox-cleaner");
              t.setDaemon(true);
              return t;
            });
    long every = settings.cleanupInterval().toMillis();
    cleaner.scheduleWithFixedDelay(
        () -> {
          try {
            cleanOnce();
          } catch (RuntimeException e) {
            log.warn("cleaning rms_inbox failed", e);
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  /** Deletes inbox rows older than the retention, in bounded batches; returns how many. */
  public int cleanOnce() {
    int total = 0;
    for (int i = 0; i < 100; i++) {
      int n = inbox.deleteOlderThan(settings.inboxRetention(), 1000);
      total += n;
      if (n < 1000) {
        break;
      }
    }
    return total;
  }

  @Override
  public synchronized void stop() {
    for (SimpleMessageListenerContainer container : containers) {
      container.stop();
    }
    for (SimpleMessageListenerContainer container : containers) {
      container.destroy();
    }
    containers.clear();
    if (cleaner != null) {
      cleaner.shutdownNow();
      cleaner = null;
    }
    acks.flushNow();
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** What the listeners did so far. */
  public ListenerStats stats() {
    return stats;
  }

  /** The running containers (for tests and health checks). */
  public synchronized List<SimpleMessageListenerContainer> containers() {
    return List.copyOf(containers);
  }
}
