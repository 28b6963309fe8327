package io.rms.api;

/**
 * Stable error codes carried in the {@code code} property of every problem+json response. Clients
 * switch on these, never on the human-readable title or detail.
 */
public enum ErrorCode {
  /** 400: a field is missing or has an invalid value. */
  VALIDATION_FAILED("validation-failed", 400),
  /** 400: the request body is not valid JSON or has the wrong shape. */
  MALFORMED_REQUEST("malformed-request", 400),
  /** 400: a path or query id is not a UUID, or a cursor is not one this service issued. */
  INVALID_ID("invalid-id", 400),
  /** 400: too many user headers, a reserved or forbidden name, or an oversized value. */
  INVALID_HEADERS("invalid-headers", 400),
  /** 400: a batch holds more items than allowed. */
  BATCH_TOO_LARGE("batch-too-large", 400),
  /** 401: no or an unknown API key. */
  UNAUTHENTICATED("unauthenticated", 401),
  /** 403: the caller may not do this (other app's subscription, topic it does not produce). */
  FORBIDDEN("forbidden", 403),
  /** 404: no such message for this app (another app's message also answers 404). */
  NOT_FOUND("not-found", 404),
  /** 405: the HTTP method is not supported on this path. */
  METHOD_NOT_ALLOWED("method-not-allowed", 405),
  /** 409: the command conflicts with the message's state (confirm after cancel, ...). */
  ILLEGAL_TRANSITION("illegal-transition", 409),
  /** 409: the producerMessageId is already used by a message with different content. */
  IDEMPOTENCY_CONFLICT("idempotency-conflict", 409),
  /**
   * 409: the consumer nacked a delivery that has not been delivered yet (WAITING for an earlier
   * message of its ordering key); nothing changed.
   */
  NOT_DELIVERED("not-delivered", 409),
  /**
   * 409: the subscription has two valid push secrets already; retire the previous one before
   * rotating again.
   */
  SECRET_ROTATION_PENDING("secret-rotation-pending", 409),
  /** 413: the payload (or the request) is larger than allowed. */
  PAYLOAD_TOO_LARGE("payload-too-large", 413),
  /** 415: the request's content type is not JSON. */
  UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415),
  /** 422: the topic has no active subscription, so nobody would receive the message. */
  NO_SUBSCRIPTION("no-subscription", 422),
  /** 429: this client address made too many failed authentications; retry later. */
  TOO_MANY_FAILED_AUTH("too-many-failed-auth", 429),
  /** 503: a dependency (database) is unavailable; retry later. */
  UNAVAILABLE("unavailable", 503),
  /**
   * 429: the request bodies being read already hold the service's memory budget for bodies; retry
   * after the {@code Retry-After} seconds (a 4xx, so that a flood of large bodies is the callers'
   * answer, never a server error; the SDKs retry it like 503).
   */
  OVERLOADED("overloaded", 429),
  /** 500: an unexpected error; the response never carries internals. */
  INTERNAL("internal", 500),
  /** 409: a registry entry (subscription) with this name exists already. */
  ALREADY_EXISTS("already-exists", 409),
  /** 409: the call needs a subscription of another delivery mode (a pull on a push one). */
  WRONG_DELIVERY_MODE("wrong-delivery-mode", 409),
  /**
   * 409: a replay is running on the subscription already (one at a time), or the replayId names a
   * replay with other parameters.
   */
  REPLAY_CONFLICT("replay-conflict", 409),
  /** 409: the subscription is inactive, so a replay would deliver to nobody. */
  SUBSCRIPTION_INACTIVE("subscription-inactive", 409),
  /** 422: the replay window starts before the retention horizon (those messages may be gone). */
  BEYOND_RETENTION("beyond-retention", 422);

  private final String code;
  private final int httpStatus;

  ErrorCode(String code, int httpStatus) {
    this.code = code;
    this.httpStatus = httpStatus;
  }

  /** The stable string used on the wire. */
  public String code() {
    return code;
  }

  /** The HTTP status this error is answered with. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The enum value for a wire code, or {@link #INTERNAL} if it is unknown. */
  public static ErrorCode fromCode(String code) {
    for (ErrorCode value : values()) {
      if (value.code.equals(code)) {
        return value;
      }
    }
    return INTERNAL;
  }
}
