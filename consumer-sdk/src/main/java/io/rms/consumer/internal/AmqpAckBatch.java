package io.rms.consumer.internal;

import java.time.Duration;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;

/**
 * How a listener's container acknowledges its AMQP deliveries to the broker (the transport ack; the
 * business ack goes to the service through {@link AckBatcher}).
 *
 * <p>{@code size} 1 (the default): {@link AcknowledgeMode#MANUAL}, and {@link DeliveryProcessor}
 * acks each delivery on its own as soon as it is processed. {@code size} N &gt; 1: {@link
 * AcknowledgeMode#AUTO} with the container's batch size N, so each consumer thread acks with one
 * {@code basic.ack(multiple=true)} after N processed deliveries, or sooner when no delivery arrived
 * for {@code maxDelay}, or when its batch has been open for {@code maxDelay}. A processed delivery
 * therefore waits at most about twice {@code maxDelay} (plus one handler's run) for its AMQP ack,
 * and once the traffic stops, everything processed is acked within {@code maxDelay}.
 *
 * <p>A consumer thread notices a stop or a lost connection only when its wait for the next delivery
 * ends, so within {@code maxDelay}: keep it short. On a stop it acks the batch it has processed
 * before it leaves (the container waits up to 5 s for it). A delivery that is processed but not yet
 * acked when the consumer's channel or connection dies is redelivered by the broker; the inbox
 * turns it into a duplicate that skips the handler and is acked again. Nothing is ever requeued on
 * purpose: a failed delivery is nacked to the service and acked to the broker with its batch, as
 * with per-delivery acks.
 *
 * @param size deliveries per ack, at least 1 and at most the prefetch
 * @param maxDelay the longest a consumer waits for the next delivery, or keeps a batch open, before
 *     it acks what it processed (used only when {@code size} &gt; 1)
 */
public record AmqpAckBatch(int size, Duration maxDelay) {

  public AmqpAckBatch {
    if (size < 1) {
      throw new IllegalArgumentException("rms.consumer.amqp-ack-batch must be at least 1: " + size);
    }
    if (maxDelay == null || maxDelay.toMillis() < 1) {
      throw new IllegalArgumentException(
          "rms.consumer.amqp-ack-max-delay must be at least 1ms: " + maxDelay);
    }
  }

  /** True when each delivery is acked on its own (by the listener, not the container). */
  public boolean perDelivery() {
    return size == 1;
  }

  /**
   * Checks that a consumer may hold a whole batch unacked: with a prefetch below the batch size the
   * broker would stop sending before the batch fills, and every batch would wait for {@code
   * maxDelay}.
   */
  void checkFits(int prefetch) {
    if (size > prefetch) {
      throw new IllegalArgumentException(
          "rms.consumer.amqp-ack-batch ("
              + size
              + ") must not exceed rms.consumer.prefetch ("
              + prefetch
              + "): a consumer must be able to hold a whole batch unacknowledged");
    }
  }

  /** Sets the container's acknowledge mode and, for batches, its batch size and timeouts. */
  void applyTo(SimpleMessageListenerContainer container) {
    if (perDelivery()) {
      container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
      return;
    }
    container.setAcknowledgeMode(AcknowledgeMode.AUTO);
    container.setBatchSize(size);
    container.setReceiveTimeout(maxDelay.toMillis());
    container.setBatchReceiveTimeout(maxDelay.toMillis());
  }
}
