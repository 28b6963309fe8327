package io.rms.service.problem;

import io.rms.api.ErrorCode;

/** A refusal with a stable code; the web layer answers it as problem+json. */
public class RmsProblem extends RuntimeException {
  private final ErrorCode code;

  public RmsProblem(ErrorCode code, String detail) {
    super(detail, null, false, false);
    this.code = code;
  }

  /** The stable code (and so the HTTP status). */
  public ErrorCode code() {
    return code;
  }

  public static RmsProblem notFound(Object id) {
    return new RmsProblem(ErrorCode.NOT_FOUND, "no message " + id);
  }

  public static RmsProblem invalid(String detail) {
    return new RmsProblem(ErrorCode.VALIDATION_FAILED, detail);
  }
}
