package io.rms.service.message;

import io.rms.service.tracing.MessageSpans;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The spans of the producer's and the operator's commands (prepare, send, confirm, cancel), one per
 * message that carries a trace context, as a child of it. Nothing happens while spans are off.
 */
@Component
class CommandSpans {
  static final String PREPARE = "rms.prepare";
  static final String SEND = "rms.send";
  static final String CONFIRM = "rms.confirm";
  static final String CANCEL = "rms.cancel";

  private final MessageSpans spans;

  CommandSpans(MessageSpans spans) {
    this.spans = spans;
  }

  /** When a command began, for {@link #record}; 0 while spans are off. */
  long start() {
    return spans.start();
  }

  /** Records {@code step} for the message of {@code outcome}, from {@code started} to now. */
  void record(String step, long started, Outcome outcome) {
    if (spans.enabled()) {
      span(step, started, outcome);
    }
  }

  /** Records {@code step} for the message of each outcome. */
  void recordAll(String step, long started, List<Outcome> outcomes) {
    if (spans.enabled()) {
      outcomes.forEach(o -> span(step, started, o));
    }
  }

  private void span(String step, long started, Outcome o) {
    StoredMessage m = o.message();
    if (m == null || m.traceparent() == null) {
      return;
    }
    spans.record(
        step,
        null,
        m.traceparent(),
        m.tracestate(),
        started,
        "rms.message.id",
        m.id().toString(),
        "rms.app",
        m.app(),
        "rms.topic",
        m.topic(),
        "rms.status",
        m.status().name(),
        "rms.outcome",
        o.problem() != null ? o.problem().code().code() : o.created() ? "created" : "done");
  }
}
