package io.rms.service.dispatch;

import io.micrometer.tracing.Span;
import io.rms.service.config.RmsProperties;
import io.rms.service.message.DeliveryDispatcher;
import io.rms.service.message.PublishRequest;
import io.rms.service.metrics.DeliveryMetrics;
import io.rms.service.metrics.DeliveryMetrics.ConfirmOutcome;
import io.rms.service.tracing.MessageSpans;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.ReturnedMessage;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Publishes deliveries to their subscription's queue through the default exchange, persistent and
 * mandatory, and waits for nothing: the broker's confirm completes a future whose outcome goes to
 * {@link PublishOutcomes}. Success is a positive confirm <em>and</em> no return. RabbitMQ returns
 * an unroutable message before acking it (Spring sets the return on the correlation before
 * completing it); Qpid Broker-J nacks it and returns it afterwards: both count as failures here. A
 * full publish queue or an unreachable broker leaves the delivery SCHEDULED for the sweep.
 */
@Component
class RabbitDispatcher implements DeliveryDispatcher, SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(RabbitDispatcher.class);

  private final RabbitTemplate rabbit;
  private final PublishOutcomes outcomes;
  private final RmsProperties.Dispatch config;
  private final DeliveryMetrics metrics;
  private final DispatchGate gate;
  private final Duration confirmTimeout;
  private final MessageSpans spans;
  private volatile ThreadPoolExecutor executor;
  private volatile boolean running;

  RabbitDispatcher(
      RabbitTemplate rabbit,
      PublishOutcomes outcomes,
      RmsProperties properties,
      DeliveryMetrics metrics,
      DispatchGate gate,
      MessageSpans spans) {
    this.gate = gate;
    this.rabbit = rabbit;
    this.spans = spans;
    this.rabbit.setMandatory(true);
    this.outcomes = outcomes;
    this.metrics = metrics;
    this.config = properties.dispatch();
    this.confirmTimeout = config.confirmTimeout();
  }

  private static ThreadPoolExecutor newExecutor(RmsProperties.Dispatch config) {
    return new ThreadPoolExecutor(
        config.threads(),
        config.threads(),
        60,
        TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(config.queueCapacity()),
        runnable -> {
          Thread t = new Thread(runnable, "rms-publisher");
          t.setDaemon(true);
          return t;
        });
  }

  @Override
  public void dispatch(List<PublishRequest> requests) {
    List<PublishRequest> deliveries = gate.sendable(requests);
    if (deliveries.isEmpty()) {
      return;
    }
    ThreadPoolExecutor pool = executor;
    if (!running || pool == null) {
      log.warn("dispatcher stopped; {} deliveries left to the redelivery sweep", deliveries.size());
      return;
    }
    try {
      pool.execute(() -> deliveries.forEach(this::publish));
    } catch (RejectedExecutionException full) {
      log.warn("publish queue full; {} deliveries left to the redelivery sweep", deliveries.size());
    }
  }

  /** Publishes one delivery; the outcome arrives asynchronously. */
  void publish(PublishRequest request) {
    CorrelationData correlation =
        new CorrelationData(
            request.messageId() + "/" + request.subscription() + "/" + request.attempt());
    long sentAt = System.nanoTime();
    // a span from the send to the broker's confirm; the consumer's span becomes its child
    Span span = spans.enabled() ? publishSpan(request) : null;
    Message message = AmqpMessages.of(request);
    if (span != null) {
      message.getMessageProperties().setHeader(AmqpMessages.TRACEPARENT, spans.traceparent(span));
    }
    try {
      rabbit.send("", request.queue(), message, correlation);
    } catch (RuntimeException e) {
      spans.close(span, "broker unreachable");
      outcomes.failed(request, "broker unreachable: " + e.getMessage());
      return;
    }
    correlation
        .getFuture()
        .orTimeout(confirmTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (confirm, error) -> {
              ReturnedMessage returned = correlation.getReturned();
              metrics.confirmed(
                  error != null
                      ? ConfirmOutcome.NO_CONFIRM
                      : returned != null
                          ? ConfirmOutcome.RETURNED
                          : confirm.ack() ? ConfirmOutcome.ACK : ConfirmOutcome.NACK,
                  System.nanoTime() - sentAt);
              spans.close(
                  span,
                  error != null
                      ? "no publisher confirm"
                      : returned != null ? "returned" : confirm.ack() ? null : "nacked");
              if (error != null) {
                outcomes.failed(request, "no publisher confirm: " + error);
              } else if (returned != null) {
                outcomes.failed(
                    request,
                    "returned by the broker: "
                        + returned.getReplyCode()
                        + " "
                        + returned.getReplyText()
                        + " (queue "
                        + request.queue()
                        + ")");
              } else if (!confirm.ack()) {
                outcomes.failed(request, "nacked by the broker: " + confirm.reason());
              } else {
                outcomes.published(request);
              }
            });
  }

  private Span publishSpan(PublishRequest request) {
    return spans.open(
        "rms.publish",
        Span.Kind.PRODUCER,
        request.traceparent(),
        request.tracestate(),
        "rms.message.id",
        request.messageId().toString(),
        "rms.subscription",
        request.subscription(),
        "rms.attempt",
        Integer.toString(request.attempt()),
        "messaging.system",
        "rabbitmq",
        "messaging.destination.name",
        request.queue());
  }

  /** Starts (or restarts, after a stop) the publisher pool. */
  @Override
  public void start() {
    executor = newExecutor(config);
    running = true;
  }

  /** Stops taking work and lets queued publishes run (their confirms follow). */
  @Override
  public void stop() {
    running = false;
    ThreadPoolExecutor pool = executor;
    pool.shutdown();
    try {
      if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return Integer.MAX_VALUE - 1000;
  }
}
