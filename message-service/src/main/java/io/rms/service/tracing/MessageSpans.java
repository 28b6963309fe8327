package io.rms.service.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The service's spans about messages, each a child of the message's stored W3C trace context (a
 * message prepared without one gets none). With {@code rms.tracing.enabled=false} every method
 * returns at its first line: no clock read, no span, no allocation.
 *
 * <p>Steps that run for many messages at once (prepare, confirm, ack) are recorded after the fact
 * with {@link #start()} and {@link #record}; a publish, which ends at the broker's confirm on
 * another thread, is {@link #open opened} and {@link #close closed}.
 */
@Component
public class MessageSpans {
  private static final String TRACEPARENT = "traceparent";
  private static final String TRACESTATE = "tracestate";

  private final boolean enabled;
  private final Tracer tracer;
  private final Propagator propagator;
  private final Clock clock;

  MessageSpans(
      TracingProperties properties,
      ObjectProvider<Tracer> tracer,
      ObjectProvider<Propagator> propagator,
      Clock clock) {
    this.tracer = tracer.getIfAvailable(() -> Tracer.NOOP);
    this.propagator = propagator.getIfAvailable(() -> Propagator.NOOP);
    this.enabled = properties.enabled() && this.tracer != Tracer.NOOP;
    this.clock = clock;
  }

  /** Whether spans are recorded. */
  public boolean enabled() {
    return enabled;
  }

  /** The start of a step in epoch microseconds, for {@link #record}; 0 when spans are off. */
  public long start() {
    return enabled ? micros(clock.instant()) : 0;
  }

  /**
   * Records a step that began at {@code startMicros} and ends now, as a child of the message's
   * trace context; {@code kind} null is an internal span; {@code tags} are name/value pairs (a null
   * value is left out).
   */
  public void record(
      String name,
      Span.Kind kind,
      String traceparent,
      String tracestate,
      long startMicros,
      String... tags) {
    if (!enabled || traceparent == null) {
      return;
    }
    builder(name, kind, traceparent, tracestate, startMicros, tags)
        .end(micros(clock.instant()), TimeUnit.MICROSECONDS);
  }

  /** Starts a step as a child of the message's trace context; null when off or without one. */
  public Span open(
      String name, Span.Kind kind, String traceparent, String tracestate, String... tags) {
    if (!enabled || traceparent == null) {
      return null;
    }
    return builder(name, kind, traceparent, tracestate, 0, tags);
  }

  /** Ends a span {@link #open} returned (null is ignored), as failed when {@code error} is set. */
  public void close(Span span, String error) {
    if (span == null) {
      return;
    }
    if (error != null) {
      span.tag("error", error);
      span.error(new StepFailed(error));
    }
    span.end();
  }

  /**
   * The {@code traceparent} a delivery sends to its consumer (AMQP header, push request header,
   * pulled delivery field): that of {@code span}, the step that sends it, when one is open; else
   * the message's stored one, or null when the message has none. Push and pull adapters open their
   * step with {@link #open} (e.g. {@code "rms.push"}, {@link Span.Kind#CLIENT}) and close it with
   * {@link #close} once the consumer answered.
   */
  public String traceparentFor(Span span, String storedTraceparent) {
    return span == null ? storedTraceparent : traceparent(span);
  }

  /** The {@code traceparent} that names {@code span} as parent, for the next hop. */
  public String traceparent(Span span) {
    Map<String, String> carrier = new HashMap<>(4);
    propagator.inject(span.context(), carrier, Map::put);
    return carrier.get(TRACEPARENT);
  }

  private Span builder(
      String name,
      Span.Kind kind,
      String traceparent,
      String tracestate,
      long startMicros,
      String[] tags) {
    Map<String, String> carrier = new HashMap<>(4);
    carrier.put(TRACEPARENT, traceparent);
    if (tracestate != null) {
      carrier.put(TRACESTATE, tracestate);
    }
    Span.Builder builder = propagator.extract(carrier, Map::get).name(name);
    if (kind != null) {
      builder.kind(kind);
    }
    for (int i = 0; i + 1 < tags.length; i += 2) {
      if (tags[i + 1] != null) {
        builder.tag(tags[i], tags[i + 1]);
      }
    }
    if (startMicros != 0) {
      builder.startTimestamp(startMicros, TimeUnit.MICROSECONDS);
    }
    return builder.start();
  }

  private static long micros(Instant instant) {
    return TimeUnit.SECONDS.toMicros(instant.getEpochSecond()) + instant.getNano() / 1_000;
  }

  /** What a failed step's span records as its error. */
  private static final class StepFailed extends RuntimeException {
    StepFailed(String message) {
      super(message, null, false, false);
    }
  }
}
