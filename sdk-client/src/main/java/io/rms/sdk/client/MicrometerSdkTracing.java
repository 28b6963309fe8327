package io.rms.sdk.client;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link SdkTracing} on Micrometer Tracing (whichever bridge, OpenTelemetry or Brave, is in use).
 */
public final class MicrometerSdkTracing implements SdkTracing {
  private final Tracer tracer;
  private final Propagator propagator;

  public MicrometerSdkTracing(Tracer tracer, Propagator propagator) {
    this.tracer = tracer;
    this.propagator = propagator;
  }

  @Override
  public <T> T producer(String name, Function<Map<String, String>, T> call) {
    Span current = tracer.currentSpan();
    if (current == null) {
      return call.apply(Map.of());
    }
    Span span =
        tracer
            .spanBuilder()
            .setParent(current.context())
            .name(name)
            .kind(Span.Kind.PRODUCER)
            .start();
    try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
      Map<String, String> context = new HashMap<>(4);
      propagator.inject(span.context(), context, Map::put);
      return call.apply(context);
    } catch (RuntimeException e) {
      span.error(e);
      throw e;
    } finally {
      span.end();
    }
  }

  @Override
  public <T> T consumer(
      String name, Map<String, ?> headers, Map<String, String> tags, Supplier<T> work) {
    Span.Builder builder =
        headers.get(TRACEPARENT) == null
            ? tracer.spanBuilder()
            : propagator.extract(
                headers,
                (carrier, key) -> {
                  Object value = carrier.get(key);
                  return value == null ? null : value.toString();
                });
    builder.name(name).kind(Span.Kind.CONSUMER);
    tags.forEach(builder::tag);
    Span span = builder.start();
    try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
      return work.get();
    } catch (RuntimeException e) {
      span.error(e);
      throw e;
    } finally {
      span.end();
    }
  }
}
