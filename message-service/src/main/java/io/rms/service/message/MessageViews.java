package io.rms.service.message;

import io.rms.api.DeliveryView;
import io.rms.api.EventView;
import io.rms.api.MessageView;
import io.rms.service.tracing.TraceContext;
import java.util.List;
import org.springframework.stereotype.Component;

/** Maps message rows to the API representation. */
@Component
public class MessageViews {
  private final Payloads payloads;

  MessageViews(Payloads payloads) {
    this.payloads = payloads;
  }

  /** Without deliveries and events (command answers, list items). */
  public MessageView summary(StoredMessage m) {
    return full(m, null, null);
  }

  /** With deliveries and events. */
  public MessageView full(StoredMessage m, List<DeliveryView> deliveries, List<EventView> events) {
    return new MessageView(
        m.id(),
        m.app(),
        m.producerMessageId(),
        m.topic(),
        m.businessKey(),
        m.orderingKey(),
        m.status(),
        m.contentType(),
        payloads.decode(m.payload(), m.contentType()),
        m.headers(),
        m.deliverAfter(),
        m.createdAt(),
        m.confirmedAt(),
        m.finishedAt(),
        m.checkCount(),
        TraceContext.traceId(m.traceparent()),
        deliveries,
        events);
  }
}
