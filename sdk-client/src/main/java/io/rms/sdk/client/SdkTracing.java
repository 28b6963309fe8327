package io.rms.sdk.client;

import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * W3C trace context for the SDKs (docs/tracing.md): the producer puts the caller's context on each
 * message it sends, the consumer continues a message's context around its handler. With Micrometer
 * Tracing on the application's classpath and a {@code Tracer} bean, the SDKs use {@link
 * MicrometerSdkTracing}; without, {@link #NONE}, and messages carry no trace context.
 */
public interface SdkTracing {
  /** The W3C header names the context travels under. */
  String TRACEPARENT = "traceparent";

  String TRACESTATE = "tracestate";

  /** No tracing: calls run as they are, messages carry no context. */
  SdkTracing NONE =
      new SdkTracing() {
        @Override
        public <T> T producer(String name, Function<Map<String, String>, T> call) {
          return call.apply(Map.of());
        }

        @Override
        public <T> T consumer(
            String name, Map<String, ?> headers, Map<String, String> tags, Supplier<T> work) {
          return work.get();
        }
      };

  /**
   * Runs {@code call} (the prepare or send of a message) in a producer span that is a child of the
   * caller's current span, passing it the {@code traceparent} and {@code tracestate} that name that
   * span; without a current span, {@code call} runs with an empty map and no span is made.
   */
  <T> T producer(String name, Function<Map<String, String>, T> call);

  /**
   * Runs {@code work} (the inbox transaction and the handler) in a consumer span that is a child of
   * the context in the message's {@code headers}, current while it runs, so the handler's own spans
   * and log lines belong to the message's trace. A failure of {@code work} is recorded on the span
   * and rethrown.
   */
  <T> T consumer(String name, Map<String, ?> headers, Map<String, String> tags, Supplier<T> work);
}
