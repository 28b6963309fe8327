package io.rms.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The trace sink against the OpenTelemetry SDK's own OTLP/HTTP exporter. */
class TraceSinkTest {
  private final TraceSink sink = new TraceSink(List.of("producer", "service", "consumer"));
  private final List<SdkTracerProvider> providers = new java.util.ArrayList<>();

  TraceSinkTest() throws Exception {}

  @AfterEach
  void close() {
    providers.forEach(SdkTracerProvider::close);
    sink.close();
  }

  /** A party exporting each span at its end, uncompressed or gzip. */
  private SdkTracerProvider party(String serviceName, String compression) {
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder()
            .setEndpoint(sink.endpoint())
            .setCompression(compression)
            .build();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.create(
                    Attributes.of(
                        io.opentelemetry.api.common.AttributeKey.stringKey("service.name"),
                        serviceName)))
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build();
    providers.add(provider);
    return provider;
  }

  private static void flush(SdkTracerProvider p) {
    CompletableResultCode done = p.forceFlush().join(10, TimeUnit.SECONDS);
    assertThat(done.isSuccess()).as("the export was answered 200").isTrue();
  }

  @Test
  void countsSpansByServiceAndTheTracesThatCrossAllThreeParties() {
    SdkTracerProvider producer = party("producer", "none");
    SdkTracerProvider service = party("service", "gzip");
    SdkTracerProvider consumer = party("consumer", "none");

    // one order: a root in the producer, a child in the service, a grandchild in the consumer
    Span order = producer.get("t").spanBuilder("order.place").startSpan();
    Span prepare =
        service
            .get("t")
            .spanBuilder("rms.prepare")
            .setParent(Context.root().with(order))
            .startSpan();
    Span consume =
        consumer
            .get("t")
            .spanBuilder("rms.consume")
            .setParent(Context.root().with(prepare))
            .startSpan();
    consume.end();
    prepare.end();
    order.end();
    // a second trace only the service saw (an HTTP call without context), with two spans
    Span http = service.get("t").spanBuilder("http post").startSpan();
    service.get("t").spanBuilder("rms.send").setParent(Context.root().with(http)).startSpan().end();
    http.end();
    providers.forEach(TraceSinkTest::flush);

    await(() -> sink.spans() == 5);
    Map<String, Object> f = sink.figures();
    assertThat(f.get("spans")).isEqualTo(5L);
    assertThat(f.get("spans_by_service"))
        .isEqualTo(Map.of("producer", 1L, "service", 3L, "consumer", 1L));
    assertThat(f.get("traces")).isEqualTo(2L);
    assertThat(f.get("traces_across_producer+service+consumer")).isEqualTo(1L);
    assertThat((long) f.get("requests")).isEqualTo(5L); // one export per span (simple processor)
    assertThat((long) f.get("bytes")).isPositive();
    assertThat(f.get("malformed_requests")).isEqualTo(0L);

    sink.reset();
    assertThat(sink.figures().get("spans")).isEqualTo(0L);
    assertThat(sink.figures().get("traces")).isEqualTo(0L);
  }

  @Test
  void aBodyThatIsNotOtlpCountsAsMalformedAndAddsNoSpans() {
    sink.record("not protobuf at all".getBytes(StandardCharsets.UTF_8), false);
    sink.record(new byte[] {0x0a, 0x7f, 0x01}, false); // a field longer than the body

    Map<String, Object> f = sink.figures();
    assertThat(f.get("requests")).isEqualTo(2L);
    assertThat(f.get("malformed_requests")).isEqualTo(2L);
    assertThat(f.get("spans")).isEqualTo(0L);
  }

  @Test
  void aRowThatExportedNoSpanIsAFailureAndARowWithSpansCarriesTheFigures() throws Exception {
    try (TraceSink quick = new TraceSink(List.of("producer"), 10)) {
      Report report = new Report();
      report.scenarios.add(new java.util.HashMap<>(Map.of("name", "sdk [tracing]")));

      assertThat(quick.addTo(report, "sdk [tracing]")).isFalse();

      SdkTracerProvider producer = partyOf(quick, "producer");
      producer.get("t").spanBuilder("order.place").startSpan().end();
      flush(producer);
      await(() -> quick.spans() == 1);
      assertThat(quick.addTo(report, "sdk [tracing]")).isTrue();
      assertThat(report.scenarios.get(0).get("trace_export"))
          .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
          .containsEntry("spans", 1L);
    }
  }

  private SdkTracerProvider partyOf(TraceSink target, String serviceName) {
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.create(
                    Attributes.of(
                        io.opentelemetry.api.common.AttributeKey.stringKey("service.name"),
                        serviceName)))
            .addSpanProcessor(
                SimpleSpanProcessor.create(
                    OtlpHttpSpanExporter.builder().setEndpoint(target.endpoint()).build()))
            .build();
    providers.add(provider);
    return provider;
  }

  private static void await(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(condition.getAsBoolean()).isTrue();
  }
}
