package io.rms.sdk.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SDKs' trace context on a real Micrometer Tracing bridge (OpenTelemetry, in memory). */
class MicrometerSdkTracingTest {
  private static final String PARENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_SPAN = "00f067aa0ba902b7";

  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final SdkTracerProvider provider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported)).build();
  private final OtelCurrentTraceContext current = new OtelCurrentTraceContext();
  private final io.opentelemetry.api.trace.Tracer otel = provider.get("test");
  private final Tracer tracer = new OtelTracer(otel, current, event -> {});
  private final SdkTracing tracing =
      new MicrometerSdkTracing(
          tracer,
          new OtelPropagator(
              ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel));

  @AfterEach
  void close() {
    provider.close();
  }

  @Test
  void aSendWithoutACurrentSpanCarriesNoContextAndMakesNoSpan() {
    Map<String, String> context = tracing.producer("rms.prepare t", trace -> trace);
    assertThat(context).isEmpty();
    assertThat(exported.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void aSendCarriesTheContextOfAProducerSpanUnderTheCallersSpan() {
    Span caller = tracer.nextSpan().name("place order").start();
    Map<String, String> context;
    try (Tracer.SpanInScope scope = tracer.withSpan(caller)) {
      context = tracing.producer("rms.prepare order.created", trace -> trace);
    } finally {
      caller.end();
    }
    SpanData producer = only("rms.prepare order.created");
    assertThat(producer.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(producer.getParentSpanId()).isEqualTo(caller.context().spanId());
    assertThat(context.get(SdkTracing.TRACEPARENT))
        .isEqualTo("00-" + caller.context().traceId() + "-" + producer.getSpanId() + "-01");
  }

  @Test
  void aHandlerRunsInAConsumerSpanThatContinuesTheMessagesTraceparent() {
    AtomicReference<String> inside = new AtomicReference<>();
    String result =
        tracing.consumer(
            "rms.consume cart.order-created",
            Map.of(SdkTracing.TRACEPARENT, "00-" + PARENT_TRACE + "-" + PARENT_SPAN + "-01"),
            Map.of("rms.message.id", "m-1"),
            () -> {
              inside.set(tracer.currentSpan().context().traceId());
              return "done";
            });
    assertThat(result).isEqualTo("done");
    SpanData consumer = only("rms.consume cart.order-created");
    assertThat(consumer.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(consumer.getTraceId()).isEqualTo(PARENT_TRACE);
    assertThat(consumer.getParentSpanId()).isEqualTo(PARENT_SPAN);
    assertThat(inside.get()).as("the span is current in the handler").isEqualTo(PARENT_TRACE);
    assertThat(consumer.getAttributes().asMap().toString()).contains("rms.message.id=m-1");
  }

  @Test
  void aFailingHandlerIsRecordedOnItsSpanAndRethrown() {
    IllegalStateException failure = new IllegalStateException("out of stock");
    assertThatThrownBy(
            () ->
                tracing.consumer(
                    "rms.consume c",
                    Map.of(),
                    Map.of(),
                    () -> {
                      throw failure;
                    }))
        .isSameAs(failure);
    SpanData consumer = only("rms.consume c");
    assertThat(consumer.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(consumer.getParentSpanContext().isValid())
        .as("without a traceparent the handler's span starts a trace")
        .isFalse();
  }

  private SpanData only(String name) {
    List<SpanData> spans =
        exported.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(spans).hasSize(1);
    return spans.get(0);
  }
}
