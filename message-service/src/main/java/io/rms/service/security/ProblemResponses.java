package io.rms.service.security;

import io.rms.api.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/** 401 and 403 answers of the security chain as problem+json with the contract's codes. */
final class ProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    response.setHeader("WWW-Authenticate", "Bearer");
    write(
        response,
        ErrorCode.UNAUTHENTICATED,
        "Unauthorized",
        "a valid API key is required",
        request);
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
      throws IOException {
    write(response, ErrorCode.FORBIDDEN, "Forbidden", "this app may not do this", request);
  }

  private static void write(
      HttpServletResponse response,
      ErrorCode code,
      String title,
      String detail,
      HttpServletRequest request)
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
