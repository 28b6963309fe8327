package io.rms.service.web;

import io.rms.api.ErrorCode;
import io.rms.service.config.RmsProperties;
import io.rms.service.problem.ProblemJson;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies over {@code rms.request-max-bytes} (default: 1,000 payloads of the maximum
 * size would be too much, so 4 × the payload limit + 1 MiB) with 413, by Content-Length up front or
 * by counting bytes of chunked bodies. It guards every path, however it is spelled: choosing by the
 * raw request URI let {@code /%61pi/...} (which the servlet container decodes to {@code /api/...})
 * through, and no endpoint of this service takes a larger body. The payload itself is checked
 * against {@code rms.payload-max-bytes} after parsing.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestSizeLimit extends OncePerRequestFilter {
  private final long limit;

  RequestSizeLimit(
      RmsProperties properties,
      @org.springframework.beans.factory.annotation.Value("${rms.request-max-bytes:0}")
          long configured) {
    this.limit = configured > 0 ? configured : properties.payloadMaxBytes() * 4 + (1 << 20);
  }

  /** The largest request body accepted, in bytes. */
  long limit() {
    return limit;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (request.getContentLengthLong() > limit) {
      ProblemJson.write(
          request,
          response,
          ErrorCode.PAYLOAD_TOO_LARGE,
          "Content Too Large",
          "the request body exceeds " + limit + " bytes");
      return;
    }
    chain.doFilter(new Limited(request, limit), response);
  }

  private static final class Limited extends HttpServletRequestWrapper {
    private final long limit;

    Limited(HttpServletRequest request, long limit) {
      super(request);
      this.limit = limit;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      ServletInputStream in = super.getInputStream();
      return new CountingInputStream(in) {
        @Override
        void afterRead(long count) throws PayloadTooLargeException {
          if (count > limit) {
            throw new PayloadTooLargeException(limit);
          }
        }
      };
    }
  }
}
