package io.rms.api;

/** A problem+json answer of the service, decoded by {@link RmsClients}. */
public class RmsApiException extends RuntimeException {
  private final int status;
  private final ErrorCode code;

  public RmsApiException(int status, ErrorCode code, String detail) {
    super(status + " " + code.code() + ": " + detail);
    this.status = status;
    this.code = code;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The stable error code. */
  public ErrorCode code() {
    return code;
  }
}
