package io.rms.service.web;

import io.rms.api.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import tools.jackson.core.exc.StreamConstraintsException;

/**
 * The answer to a body the JSON parser stopped at one of its limits ({@link JsonLimits}): nesting
 * too deep or a number too long is a malformed request (400); too many tokens, a string too long or
 * a document too long is a request larger than allowed (413).
 */
final class ParserLimits {
  private ParserLimits() {}

  static ResponseEntity<ProblemDetail> problem(
      StreamConstraintsException e, HttpServletRequest request) {
    String message = String.valueOf(e.getOriginalMessage());
    if (message.contains("nesting depth")) {
      return ProblemHandler.problem(
          ErrorCode.MALFORMED_REQUEST,
          "the request body is nested more than " + JsonLimits.MAX_NESTING + " levels deep",
          request);
    }
    if (message.startsWith("Number value length")) {
      return ProblemHandler.problem(
          ErrorCode.MALFORMED_REQUEST, "the request body holds a number that is too long", request);
    }
    return ProblemHandler.problem(
        ErrorCode.PAYLOAD_TOO_LARGE,
        "the request body exceeds a limit of the JSON parser (tokens, string or document length)",
        request);
  }
}
