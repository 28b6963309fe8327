package io.rms.service.dispatch;

import io.rms.service.message.PublishRequest;
import java.util.Date;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;

/** Builds the AMQP message of a delivery with the properties and headers of docs/design.md §7. */
final class AmqpMessages {
  static final String TOPIC = "x-rms-topic";
  static final String SUBSCRIPTION = "x-rms-subscription";
  static final String ATTEMPT = "x-rms-attempt";
  static final String PRODUCER = "x-rms-producer";
  static final String BUSINESS_KEY = "x-rms-business-key";
  static final String ORDERING_KEY = "x-rms-ordering-key";
  static final String SEQUENCE = "x-rms-sequence";

  /** W3C trace context headers (docs/tracing.md), present when the message has a trace. */
  static final String TRACEPARENT = "traceparent";

  static final String TRACESTATE = "tracestate";

  private AmqpMessages() {}

  static Message of(PublishRequest r) {
    MessageProperties p = new MessageProperties();
    p.setMessageId(r.messageId().toString());
    p.setContentType(r.contentType());
    p.setTimestamp(Date.from(r.createdAt()));
    p.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
    r.headers().forEach(p::setHeader);
    p.setHeader(TOPIC, r.topic());
    p.setHeader(SUBSCRIPTION, r.subscription());
    p.setHeader(ATTEMPT, r.attempt());
    p.setHeader(PRODUCER, r.producer());
    if (r.businessKey() != null) {
      p.setHeader(BUSINESS_KEY, r.businessKey());
    }
    if (r.orderingKey() != null) {
      p.setHeader(ORDERING_KEY, r.orderingKey());
    }
    if (r.sequence() != null) {
      p.setHeader(SEQUENCE, r.sequence());
    }
    if (r.traceparent() != null) {
      p.setHeader(TRACEPARENT, r.traceparent());
      if (r.tracestate() != null) {
        p.setHeader(TRACESTATE, r.tracestate());
      }
    }
    return new Message(r.payload(), p);
  }
}
