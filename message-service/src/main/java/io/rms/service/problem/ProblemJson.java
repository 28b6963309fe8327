package io.rms.service.problem;

import io.rms.api.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes a problem+json answer straight to the servlet response, for refusals made in filters
 * before Spring MVC (and its {@code ProblemHandler}) is reached: authentication, access, body size.
 * {@code title} and {@code detail} are fixed texts of the caller; only the request path is escaped.
 */
public final class ProblemJson {
  private ProblemJson() {}

  public static void write(
      HttpServletRequest request,
      HttpServletResponse response,
      ErrorCode code,
      String title,
      String detail)
      throws IOException {
    response.setStatus(code.httpStatus());
    response.setContentType("application/problem+json");
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response
        .getWriter()
        .write(
            "{\"type\":\"about:blank\",\"title\":\""
                + title
                + "\",\"status\":"
                + code.httpStatus()
                + ",\"detail\":\""
                + detail
                + "\",\"instance\":\""
                + request.getRequestURI().replaceAll("[\"\\\\\\p{Cntrl}]", "")
                + "\",\"code\":\""
                + code.code()
                + "\"}");
  }
}
