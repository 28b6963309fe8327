package io.rms.consumer.internal;

import com.rabbitmq.client.Channel;
import io.rms.api.NackRequest;
import io.rms.consumer.MessageMetadata;
import io.rms.sdk.client.ResilientRmsClient;
import io.rms.sdk.client.SdkTracing;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Processes one AMQP delivery of a subscription: inbox claim and handler in one local transaction;
 * then ack to the service (batched) on success or a nack on failure; the AMQP delivery is always
 * acked, because redelivery belongs to the service, not the broker: here, or with its batch by the
 * container ({@link AmqpAckBatch}).
 */
public final class DeliveryProcessor implements ChannelAwareMessageListener {
  private static final Logger log = LoggerFactory.getLogger(DeliveryProcessor.class);
  private static final int MAX_REASON = 2000;

  private final ListenerMethod listener;
  private final Inbox inbox;
  private final TransactionTemplate tx;
  private final AckBatcher acks;
  private final ResilientRmsClient client;
  private final JsonMapper json;
  private final ListenerStats stats;
  private final KeyTurns keyTurns = new KeyTurns();
  private final SdkTracing tracing;
  private final boolean ackEachDelivery;

  /**
   * With the inbox transaction and the handler in a consumer span that continues the message's
   * trace context (its {@code traceparent} header, or none with {@link SdkTracing#NONE}); with
   * {@code ackEachDelivery} false when the container acks the deliveries in batches ({@link
   * AmqpAckBatch}): then this listener leaves the AMQP channel alone.
   */
  public DeliveryProcessor(
      ListenerMethod listener,
      Inbox inbox,
      TransactionTemplate tx,
      AckBatcher acks,
      ResilientRmsClient client,
      JsonMapper json,
      ListenerStats stats,
      SdkTracing tracing,
      boolean ackEachDelivery) {
    this.ackEachDelivery = ackEachDelivery;
    this.tracing = tracing;
    this.listener = listener;
    this.inbox = inbox;
    this.tx = tx;
    this.acks = acks;
    this.client = client;
    this.json = json;
    this.stats = stats;
  }

  /** What happened to one delivery. */
  public enum Outcome {
    PROCESSED,
    DUPLICATE,
    FAILED_RETRY,
    FAILED_FINAL,
    NOT_AN_RMS_MESSAGE,
    /** The listener stopped while the delivery waited for its key; the handler did not run. */
    INTERRUPTED
  }

  @Override
  public void onMessage(Message message, Channel channel) throws Exception {
    try {
      process(message);
    } finally {
      if (ackEachDelivery) {
        channel.basicAck(message.getMessageProperties().getDeliveryTag(), false);
      }
    }
  }

  /** Processes a delivery (without touching the AMQP channel). */
  public Outcome process(Message message) {
    Outcome outcome = processOnce(message);
    stats.record(outcome);
    return outcome;
  }

  private Outcome processOnce(Message message) {
    MessageMetadata metadata = metadata(message.getMessageProperties(), listener.subscription());
    if (metadata == null) {
      log.error(
          "{}: delivery without a message id dropped (not published by the service)", listener);
      return Outcome.NOT_AN_RMS_MESSAGE;
    }
    if (metadata.sequence() == null || metadata.orderingKey() == null) {
      return processUnordered(message, metadata);
    }
    // an ordered subscription's key is handled by one listener thread at a time, in arrival order,
    // so a late copy of a message is never applied beside (or after) its successor; other keys,
    // hash collisions included, never wait for it
    try {
      return keyTurns.run(metadata.orderingKey(), () -> processUnordered(message, metadata));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn(
          "{}: stopped while message {} waited for key {}; the service redelivers it after its"
              + " ack timeout",
          listener,
          metadata.messageId(),
          metadata.orderingKey());
      return Outcome.INTERRUPTED;
    }
  }

  /** Ordering keys with a delivery being handled or waiting now (one entry each). */
  public int keysInFlight() {
    return keyTurns.keysInFlight();
  }

  private Outcome processUnordered(Message message, MessageMetadata metadata) {
    UUID id = metadata.messageId();
    String subscription = listener.subscription();
    try {
      Boolean processed =
          tracing.consumer(
              "rms.consume " + subscription,
              message.getMessageProperties().getHeaders(),
              Map.of(
                  "rms.message.id",
                  id.toString(),
                  "rms.subscription",
                  subscription,
                  "rms.attempt",
                  Integer.toString(metadata.attempt())),
              () -> inTransaction(message, metadata, subscription, id));
      acks.add(subscription, id);
      return Boolean.TRUE.equals(processed) ? Outcome.PROCESSED : Outcome.DUPLICATE;
    } catch (RuntimeException failure) {
      Throwable cause = failure instanceof HandlerException h ? h.getCause() : failure;
      boolean retry = !listener.isNonRetryable(cause);
      log.warn(
          "{}: message {} attempt {} failed ({}); nack retry={}",
          listener,
          id,
          metadata.attempt(),
          cause.toString(),
          retry);
      nack(subscription, id, cause, retry);
      return retry ? Outcome.FAILED_RETRY : Outcome.FAILED_FINAL;
    }
  }

  /** Inbox claim and handler in one local transaction; false for a duplicate. */
  private Boolean inTransaction(
      Message message, MessageMetadata metadata, String subscription, UUID id) {
    return tx.execute(
        status -> {
          if (!inbox.claim(subscription, id, metadata.replayId())) {
            return false;
          }
          try {
            listener.invoke(message.getBody(), metadata, json);
          } catch (RuntimeException e) {
            throw e;
          } catch (Exception e) {
            throw new HandlerException(e);
          }
          return true;
        });
  }

  private void nack(String subscription, UUID id, Throwable cause, boolean retry) {
    String reason = cause.getClass().getName() + ": " + cause.getMessage();
    if (reason.length() > MAX_REASON) {
      reason = reason.substring(0, MAX_REASON);
    }
    NackRequest request = new NackRequest(id, reason, retry);
    try {
      client.call(c -> c.nack(subscription, request));
    } catch (RuntimeException e) {
      log.warn("nack of {} failed; the service redelivers it after its ack timeout", id, e);
    }
  }

  /** The service's metadata of a delivery; null if it has no message id. */
  static MessageMetadata metadata(MessageProperties p, String subscription) {
    UUID id;
    try {
      id = p.getMessageId() == null ? null : UUID.fromString(p.getMessageId());
    } catch (IllegalArgumentException e) {
      id = null;
    }
    if (id == null) {
      return null;
    }
    Map<String, String> user = new LinkedHashMap<>();
    for (Map.Entry<String, Object> h : p.getHeaders().entrySet()) {
      if (!h.getKey().startsWith("x-rms-") && h.getValue() != null) {
        user.put(h.getKey(), h.getValue().toString());
      }
    }
    String attempt = text(p, "x-rms-attempt");
    String sub = text(p, "x-rms-subscription");
    return new MessageMetadata(
        id,
        text(p, "x-rms-topic"),
        sub != null ? sub : subscription,
        attempt(attempt),
        text(p, "x-rms-producer"),
        text(p, "x-rms-business-key"),
        text(p, "x-rms-ordering-key"),
        p.getContentType(),
        Collections.unmodifiableMap(user),
        sequence(text(p, "x-rms-sequence")),
        text(p, "x-rms-replay"));
  }

  private static Long sequence(String header) {
    try {
      return header == null ? null : Long.valueOf(header.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static int attempt(String header) {
    try {
      return header == null ? 1 : Integer.parseInt(header.trim());
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  private static String text(MessageProperties p, String header) {
    Object value = p.getHeaders().get(header);
    return value == null ? null : value.toString();
  }

  /** Carries a checked handler exception out of the transaction callback. */
  private static final class HandlerException extends RuntimeException {
    HandlerException(Exception cause) {
      super(cause);
    }
  }
}
