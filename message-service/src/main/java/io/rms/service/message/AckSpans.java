package io.rms.service.message;

import io.rms.api.AckOutcome;
import io.rms.service.tracing.MessageSpans;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The spans of acks: one per newly acked message that carries a trace context, as a child of it. An
 * ack names only message ids, so while spans are on each ack call reads the contexts of the
 * messages it acked (one indexed query); while they are off nothing happens.
 */
@Component
class AckSpans {
  static final String ACK = "rms.ack";

  private final MessageSpans spans;
  private final JdbcTemplate jdbc;

  AckSpans(MessageSpans spans, JdbcTemplate jdbc) {
    this.spans = spans;
    this.jdbc = jdbc;
  }

  /** When an ack call began, for {@link #record}; 0 while spans are off. */
  long start() {
    return spans.start();
  }

  /** Records the acks of this call on {@code subscription} that acked a delivery. */
  void record(String subscription, long started, Map<UUID, AckOutcome> outcome) {
    if (!spans.enabled()) {
      return;
    }
    UUID[] acked =
        outcome.entrySet().stream()
            .filter(e -> e.getValue() == AckOutcome.ACKED)
            .map(Map.Entry::getKey)
            .toArray(UUID[]::new);
    if (acked.length == 0) {
      return;
    }
    jdbc.query(
        """
        select id, traceparent, tracestate from message
         where id = any(?::uuid[]) and traceparent is not null
        """,
        rs -> {
          spans.record(
              ACK,
              null,
              rs.getString("traceparent"),
              rs.getString("tracestate"),
              started,
              "rms.message.id",
              rs.getString("id"),
              "rms.subscription",
              subscription);
        },
        (Object) acked);
  }
}
