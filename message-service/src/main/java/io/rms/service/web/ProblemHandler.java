package io.rms.service.web;

import io.rms.api.ErrorCode;
import io.rms.service.problem.RmsProblem;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.validation.FieldError;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.exc.StreamConstraintsException;

/**
 * Every error of the API as RFC 9457 problem+json with a stable {@code code}. Unexpected errors are
 * logged and answered without internals.
 */
@RestControllerAdvice
@org.springframework.core.annotation.Order(org.springframework.core.Ordered.HIGHEST_PRECEDENCE)
class ProblemHandler {
  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

  @ExceptionHandler(RmsProblem.class)
  ResponseEntity<ProblemDetail> rms(RmsProblem e, HttpServletRequest request) {
    ResponseEntity<ProblemDetail> answer = problem(e.code(), e.getMessage(), request);
    if (e.code() != ErrorCode.OVERLOADED) {
      return answer;
    }
    // too many long polls wait: the same answer as a held body budget
    return ResponseEntity.status(answer.getStatusCode())
        .headers(answer.getHeaders())
        .header("Retry-After", "1")
        .body(answer.getBody());
  }

  @ExceptionHandler(PayloadTooLargeException.class)
  ResponseEntity<ProblemDetail> tooLarge(PayloadTooLargeException e, HttpServletRequest request) {
    return problem(ErrorCode.PAYLOAD_TOO_LARGE, e.getMessage(), request);
  }

  @ExceptionHandler(BodyBudgetExhaustedException.class)
  ResponseEntity<ProblemDetail> overloaded(
      BodyBudgetExhaustedException e, HttpServletRequest request) {
    ResponseEntity<ProblemDetail> answer = problem(ErrorCode.OVERLOADED, e.getMessage(), request);
    return ResponseEntity.status(answer.getStatusCode())
        .headers(answer.getHeaders())
        .header("Retry-After", "1")
        .body(answer.getBody());
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<ProblemDetail> unreadable(
      HttpMessageNotReadableException e, HttpServletRequest request) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PayloadTooLargeException tooLarge) {
        return tooLarge(tooLarge, request);
      }
      if (t instanceof BodyBudgetExhaustedException busy) {
        return overloaded(busy, request);
      }
      if (t instanceof StreamConstraintsException limit) {
        return ParserLimits.problem(limit, request);
      }
    }
    return problem(
        ErrorCode.MALFORMED_REQUEST,
        "the request body is not valid JSON of the expected shape",
        request);
  }

  @ExceptionHandler(MethodArgumentNotValidException.class)
  ResponseEntity<ProblemDetail> invalid(
      MethodArgumentNotValidException e, HttpServletRequest request) {
    FieldError field = e.getBindingResult().getFieldError();
    String detail =
        field == null
            ? "the request is invalid"
            : field.getField() + ": " + field.getDefaultMessage();
    return problem(ErrorCode.VALIDATION_FAILED, detail, request);
  }

  @ExceptionHandler(HandlerMethodValidationException.class)
  ResponseEntity<ProblemDetail> invalid(
      HandlerMethodValidationException e, HttpServletRequest request) {
    return problem(ErrorCode.VALIDATION_FAILED, "the request is invalid", request);
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<ProblemDetail> mismatch(
      MethodArgumentTypeMismatchException e, HttpServletRequest request) {
    ErrorCode code =
        e.getRequiredType() == java.util.UUID.class
            ? ErrorCode.INVALID_ID
            : ErrorCode.VALIDATION_FAILED;
    return problem(code, e.getName() + " has an invalid value", request);
  }

  @ExceptionHandler(MissingServletRequestParameterException.class)
  ResponseEntity<ProblemDetail> missing(
      MissingServletRequestParameterException e, HttpServletRequest request) {
    return problem(ErrorCode.VALIDATION_FAILED, e.getParameterName() + " is required", request);
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<ProblemDetail> mediaType(
      HttpMediaTypeNotSupportedException e, HttpServletRequest request) {
    return problem(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send application/json", request);
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<ProblemDetail> method(
      HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
    return problem(ErrorCode.METHOD_NOT_ALLOWED, e.getMethod() + " is not supported here", request);
  }

  @ExceptionHandler(NoResourceFoundException.class)
  ResponseEntity<ProblemDetail> noResource(NoResourceFoundException e, HttpServletRequest request) {
    return problem(ErrorCode.NOT_FOUND, "no such resource", request);
  }

  @ExceptionHandler({
    CannotGetJdbcConnectionException.class,
    CannotCreateTransactionException.class,
    TransactionSystemException.class,
    DataAccessResourceFailureException.class,
    TransientDataAccessException.class
  })
  ResponseEntity<ProblemDetail> unavailable(Exception e, HttpServletRequest request) {
    log.warn("database unavailable for {}: {}", request.getRequestURI(), e.toString());
    return problem(ErrorCode.UNAVAILABLE, "the database is unavailable; retry later", request);
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
    log.error("unexpected error on {} {}", request.getMethod(), request.getRequestURI(), e);
    return problem(ErrorCode.INTERNAL, "unexpected error", request);
  }

  static ResponseEntity<ProblemDetail> problem(
      ErrorCode code, String detail, HttpServletRequest request) {
    ProblemDetail body =
        ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(code.httpStatus()), detail);
    body.setInstance(URI.create(request.getRequestURI()));
    body.setProperty("code", code.code());
    return ResponseEntity.status(code.httpStatus())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(body);
  }
}
