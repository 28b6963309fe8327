package io.rms.examples.e2e;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * An OTLP/HTTP trace receiver in the test's JVM: it takes {@code POST /v1/traces} with a protobuf
 * {@code ExportTraceServiceRequest}, as a collector would, and keeps every span it decodes.
 */
final class OtlpReceiver implements AutoCloseable {
  /** One received span; ids in lower-case hex, {@code parentSpanId} empty for a root. */
  record ReceivedSpan(
      String service,
      String traceId,
      String spanId,
      String parentSpanId,
      String name,
      String kind,
      Map<String, String> attributes) {}

  private static final HexFormat HEX = HexFormat.of();

  private final HttpServer server;
  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();

  OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/v1/traces",
        exchange -> {
          try (InputStream body = exchange.getRequestBody()) {
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
            request.getResourceSpansList().forEach(this::keep);
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
          } catch (IOException | RuntimeException e) {
            exchange.sendResponseHeaders(400, -1);
          } finally {
            exchange.close();
          }
        });
    server.start();
  }

  /** Where the exporters send: {@code http://127.0.0.1:<port>/v1/traces}. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
  }

  /** The spans of one trace received so far. */
  List<ReceivedSpan> trace(String traceId) {
    return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
  }

  private void keep(ResourceSpans resourceSpans) {
    String service =
        attributes(resourceSpans.getResource().getAttributesList()).get("service.name");
    for (ScopeSpans scope : resourceSpans.getScopeSpansList()) {
      for (io.opentelemetry.proto.trace.v1.Span span : scope.getSpansList()) {
        spans.add(
            new ReceivedSpan(
                service,
                HEX.formatHex(span.getTraceId().toByteArray()),
                HEX.formatHex(span.getSpanId().toByteArray()),
                HEX.formatHex(span.getParentSpanId().toByteArray()),
                span.getName(),
                span.getKind().name(),
                attributes(span.getAttributesList())));
      }
    }
  }

  private static Map<String, String> attributes(List<KeyValue> values) {
    return values.stream()
        .collect(
            Collectors.toMap(KeyValue::getKey, kv -> kv.getValue().getStringValue(), (a, b) -> a));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
