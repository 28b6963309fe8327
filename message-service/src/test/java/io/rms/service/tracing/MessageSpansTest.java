package io.rms.service.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.micrometer.tracing.propagation.Propagator;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/** The service's spans on the OpenTelemetry bridge (in memory), with tracing on and off. */
class MessageSpansTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT = "00f067aa0ba902b7";
  private static final String TRACEPARENT = "00-" + TRACE + "-" + PARENT + "-01";

  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final SdkTracerProvider provider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported)).build();
  private final io.opentelemetry.api.trace.Tracer otel = provider.get("test");
  private final Tracer tracer = new OtelTracer(otel, new OtelCurrentTraceContext(), event -> {});
  private final Propagator propagator =
      new OtelPropagator(ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel);
  private final Instant t0 = Instant.parse("2026-12-07T12:00:00Z");
  private final MutableClock clock = new MutableClock(t0);

  @AfterEach
  void close() {
    provider.close();
  }

  private MessageSpans spans(boolean enabled) {
    StaticListableBeanFactory beans = new StaticListableBeanFactory();
    beans.addBean("tracer", tracer);
    beans.addBean("propagator", propagator);
    return new MessageSpans(
        new TracingProperties(enabled, "http://localhost:4318/v1/traces", 1.0, ""),
        beans.getBeanProvider(Tracer.class),
        beans.getBeanProvider(Propagator.class),
        clock);
  }

  @Test
  void aStepIsRecordedAfterTheFactAsAChildOfTheMessagesContext() {
    MessageSpans spans = spans(true);
    long started = spans.start();
    clock.advance(Duration.ofMillis(7));
    spans.record("rms.confirm", null, TRACEPARENT, "rojo=1", started, "rms.topic", "t", "x", null);

    SpanData confirm = exported.getFinishedSpanItems().get(0);
    assertThat(confirm.getName()).isEqualTo("rms.confirm");
    assertThat(confirm.getTraceId()).isEqualTo(TRACE);
    assertThat(confirm.getParentSpanId()).isEqualTo(PARENT);
    assertThat(confirm.getSpanContext().getTraceState().get("rojo")).isEqualTo("1");
    assertThat(confirm.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(confirm.getStartEpochNanos())
        .isEqualTo(TimeUnit.SECONDS.toNanos(t0.getEpochSecond()));
    assertThat(confirm.getEndEpochNanos() - confirm.getStartEpochNanos())
        .isEqualTo(TimeUnit.MILLISECONDS.toNanos(7));
    assertThat(confirm.getAttributes().asMap().toString())
        .contains("rms.topic=t")
        .doesNotContain("x=");
  }

  @Test
  void aPublishSpanNamesItselfAsTheNextHopsParentAndRecordsAFailure() {
    MessageSpans spans = spans(true);
    Span publish = spans.open("rms.publish", Span.Kind.PRODUCER, TRACEPARENT, null);
    String next = spans.traceparentFor(publish, TRACEPARENT);
    spans.close(publish, "nacked");

    SpanData data = exported.getFinishedSpanItems().get(0);
    assertThat(data.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(data.getParentSpanId()).isEqualTo(PARENT);
    assertThat(data.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(next).isEqualTo("00-" + TRACE + "-" + data.getSpanId() + "-01");
  }

  @Test
  void withTracingOffNothingIsRecordedAndTheStoredContextGoesOn() {
    MessageSpans spans = spans(false);
    assertThat(spans.enabled()).isFalse();
    assertThat(spans.start()).isZero();
    spans.record("rms.prepare", null, TRACEPARENT, null, 0);
    Span publish = spans.open("rms.publish", Span.Kind.PRODUCER, TRACEPARENT, null);
    assertThat(publish).isNull();
    spans.close(publish, null);
    assertThat(spans.traceparentFor(publish, TRACEPARENT)).isEqualTo(TRACEPARENT);
    assertThat(exported.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void aMessageWithoutContextGetsNoSpan() {
    MessageSpans spans = spans(true);
    spans.record("rms.prepare", null, null, null, spans.start());
    assertThat(spans.open("rms.publish", Span.Kind.PRODUCER, null, null)).isNull();
    assertThat(exported.getFinishedSpanItems()).isEmpty();
  }

  /** A clock the test moves. */
  private static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
