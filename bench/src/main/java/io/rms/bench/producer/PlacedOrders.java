package io.rms.bench.producer;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.util.function.LongConsumer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * Where the harness places orders: {@link Orders#place} inside a span {@code order.place} when the
 * app traces (a tracing lever), so the order's transaction, its commit and the SDK's prepare and
 * confirm belong to one trace that the service and the consumer app continue; a plain call when it
 * does not ({@code Tracer.NOOP}), as in the default rows. The span is opened outside the
 * transactional method, so it covers the commit and the SDK's after-commit work too.
 */
@Service
public class PlacedOrders {
  private final Orders orders;
  private final Tracer tracer;

  PlacedOrders(Orders orders, ObjectProvider<Tracer> tracer) {
    this.orders = orders;
    this.tracer = tracer.getIfAvailable(() -> Tracer.NOOP);
  }

  /** {@link Orders#place}, in a span of its own when the app traces. */
  public void place(String key, long n, boolean rollBack, LongConsumer committedAt) {
    if (tracer == Tracer.NOOP) {
      orders.place(key, n, rollBack, committedAt);
      return;
    }
    Span span = tracer.nextSpan().name("order.place").tag("order.key", key).start();
    try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
      orders.place(key, n, rollBack, committedAt);
    } catch (Orders.RolledBack expected) {
      span.tag("order.outcome", "rolled-back");
      throw expected;
    } catch (RuntimeException e) {
      span.error(e);
      throw e;
    } finally {
      span.end();
    }
  }

  /**
   * {@link Orders#placeWithoutMessage}: the business transaction alone, never in a span (the
   * generator's own cost, measured without tracing).
   */
  public void placeWithoutMessage(String key, long n, boolean rollBack, LongConsumer committedAt) {
    orders.placeWithoutMessage(key, n, rollBack, committedAt);
  }

  /** True when orders are placed in spans (the app's tracing is on). */
  public boolean traced() {
    return tracer != Tracer.NOOP;
  }
}
