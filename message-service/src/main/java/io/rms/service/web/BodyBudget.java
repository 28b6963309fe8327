package io.rms.service.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.Semaphore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds the memory that concurrent request bodies may hold: a budget of bytes ({@code
 * rms.request-body-budget-bytes}, default an eighth of the maximum heap) shared by all requests. A
 * request takes its share when its body is first read, not before (a request refused before its
 * body is read, by authentication or by the caller's rights, takes nothing): its {@code
 * Content-Length} at once, or, for a chunked body, 64 KiB at a time as it is read; one request may
 * take at most the whole budget. It gives its share back when its answer is done. When the budget
 * cannot give the share, reading fails with {@link BodyBudgetExhaustedException}, answered {@code
 * 429 overloaded} with {@code Retry-After: 1}: a 4xx, so a flood of large bodies never reads as a
 * server error; the SDKs retry it like a 503. Parsing holds a small multiple of the bytes read
 * ({@link JsonLimits}), so the budget bounds the heap that bodies can take.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class BodyBudget extends OncePerRequestFilter {
  private static final int KIB = 1024;
  private static final long STEP = 64 * KIB;
  private final Semaphore kibibytes;
  private final long budget;

  BodyBudget(@Value("${rms.request-body-budget-bytes:0}") long configured) {
    this.budget =
        configured > 0 ? configured : Math.max(Runtime.getRuntime().maxMemory() / 8, 16L * KIB);
    this.kibibytes = new Semaphore((int) Math.min(Integer.MAX_VALUE, budget / KIB));
  }

  /** The budget in bytes. */
  long budget() {
    return budget;
  }

  /** The bytes of the budget no request holds now. */
  long available() {
    return (long) kibibytes.availablePermits() * KIB;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Budgeted budgeted = new Budgeted(request);
    try {
      chain.doFilter(budgeted, response);
    } finally {
      budgeted.release();
    }
  }

  private final class Budgeted extends HttpServletRequestWrapper {
    private int held;
    private ServletInputStream stream;

    Budgeted(HttpServletRequest request) {
      super(request);
    }

    /** Holds at least {@code bytes} of the budget (at most all of it), or throws. */
    private void ensure(long bytes) throws BodyBudgetExhaustedException {
      int capacity = (int) Math.min(Integer.MAX_VALUE, budget / KIB);
      long wanted = Math.min(capacity, (bytes + KIB - 1) / KIB);
      if (wanted <= held) {
        return;
      }
      int more = (int) (wanted - held);
      if (!kibibytes.tryAcquire(more)) {
        throw new BodyBudgetExhaustedException(budget);
      }
      held += more;
    }

    void release() {
      if (held > 0) {
        kibibytes.release(held);
        held = 0;
      }
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        stream = counted(super.getInputStream(), getContentLengthLong());
      }
      return stream;
    }

    private ServletInputStream counted(ServletInputStream in, long declared) {
      return new CountingInputStream(in) {
        @Override
        void beforeRead(int length) throws BodyBudgetExhaustedException {
          if (declared >= 0) {
            ensure(declared);
          } else if (count() + length > held * (long) KIB) {
            ensure(Math.max(count() + length, held * (long) KIB + STEP));
          }
        }
      };
    }
  }
}
