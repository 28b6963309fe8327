package io.rms.service.security;

import io.rms.api.ErrorCode;
import io.rms.service.problem.ProblemJson;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
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
    ProblemJson.write(
        request,
        response,
        ErrorCode.UNAUTHENTICATED,
        "Unauthorized",
        "a valid API key is required");
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
      throws IOException {
    ProblemJson.write(
        request, response, ErrorCode.FORBIDDEN, "Forbidden", "this app may not do this");
  }
}
