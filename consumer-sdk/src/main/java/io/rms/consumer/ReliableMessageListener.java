package io.rms.consumer;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method that processes the messages of one subscription.
 *
 * <p>The method runs inside a local transaction that also records the message id in the inbox
 * table; a message already recorded is not passed to it again. Its parameters: the payload (JSON
 * mapped to the parameter's type; {@code String} or {@code byte[]} for the raw body) and,
 * optionally, a {@link MessageMetadata}. Returning normally acknowledges the message to the service
 * after the commit; throwing rolls the transaction back and reports the failure to the service,
 * which redelivers later ({@link #nonRetryable()} exceptions and {@link
 * NonRetryableMessageException} are not redelivered: the delivery goes DEAD for an operator).
 *
 * <pre>{@code
 * @ReliableMessageListener(subscription = "cart.order-created")
 * void onOrderCreated(OrderCreated event, MessageMetadata meta) { ... }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ReliableMessageListener {

  /** The subscription's name, as registered at the service. */
  String subscription();

  /** The queue; default {@code rms.consumer.queue-prefix} + subscription. */
  String queue() default "";

  /** Concurrent consumers of the queue. */
  int concurrency() default 1;

  /** Exceptions that retrying cannot fix; the message is nacked without retry. */
  Class<? extends Throwable>[] nonRetryable() default {};
}
