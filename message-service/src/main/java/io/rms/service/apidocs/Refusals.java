package io.rms.service.apidocs;

import io.rms.api.ErrorCode;

/** When each stable code is answered, and a typical detail, for the document's problem answers. */
final class Refusals {
  private Refusals() {}

  static String when(ErrorCode code) {
    return switch (code) {
      case VALIDATION_FAILED -> "a field is missing or has an invalid value";
      case MALFORMED_REQUEST -> "the body is not JSON or has the wrong shape";
      case INVALID_ID -> "an id is not a UUID, or a cursor is not one this service issued";
      case INVALID_HEADERS -> "too many user headers, a reserved name or an oversized value";
      case BATCH_TOO_LARGE -> "more than 1,000 items in one call";
      case UNAUTHENTICATED -> "no `Authorization: Bearer <api-key>`, or an unknown key";
      case FORBIDDEN ->
          "the app may not do this (a topic it does not produce, another app's subscription,"
              + " an admin call without the role)";
      case NOT_FOUND -> "no such message (or subscription, app) for this caller";
      case METHOD_NOT_ALLOWED -> "the HTTP method is not supported on this path";
      case ILLEGAL_TRANSITION -> "the command conflicts with the current state";
      case IDEMPOTENCY_CONFLICT ->
          "the producerMessageId is already used by a message with different content";
      case NOT_DELIVERED ->
          "a nack of a delivery that has not been delivered yet (WAITING for its ordering key)";
      case SECRET_ROTATION_PENDING ->
          "two push secrets are valid already: retire the previous one before rotating again";
      case PAYLOAD_TOO_LARGE -> "the payload or the request body is larger than allowed";
      case UNSUPPORTED_MEDIA_TYPE -> "the body is not `application/json`";
      case NO_SUBSCRIPTION -> "the topic has no active subscription, so nobody would receive it";
      case TOO_MANY_FAILED_AUTH ->
          "too many failed authentications from this address; retry after `Retry-After` seconds";
      case UNAVAILABLE -> "the database is unavailable; nothing was changed, retry later";
      case OVERLOADED ->
          "the request bodies being read hold the service's memory budget, or as many long polls"
              + " wait as allowed; nothing was changed, retry after `Retry-After` seconds";
      case INTERNAL -> "an unexpected error; the answer never carries internals";
      case ALREADY_EXISTS -> "a subscription with this name exists already";
      case WRONG_DELIVERY_MODE -> "a pull on a subscription whose delivery mode is not `pull`";
      case REPLAY_CONFLICT ->
          "a replay is running on the subscription already, or the replayId names a replay with"
              + " other parameters";
      case SUBSCRIPTION_INACTIVE -> "the subscription is inactive, so a replay would reach nobody";
      case BEYOND_RETENTION -> "the replay window begins before the retention horizon";
    };
  }

  static String detail(ErrorCode code) {
    return switch (code) {
      case VALIDATION_FAILED -> "topic must match [a-z][a-z0-9._-]{0,126}";
      case MALFORMED_REQUEST -> "the request body is not valid JSON";
      case INVALID_ID -> "id is not a valid UUID";
      case INVALID_HEADERS -> "header x-rms-topic is reserved";
      case BATCH_TOO_LARGE -> "a batch holds at most 1000 items, got 1001";
      case UNAUTHENTICATED -> "a valid API key is required";
      case FORBIDDEN -> "app orders does not produce topic invoice.paid";
      case NOT_FOUND -> "no message 0193a5b2-7c1d-7e4f-8a9b-0c1d2e3f4a5b";
      case METHOD_NOT_ALLOWED -> "PUT is not supported here";
      case ILLEGAL_TRANSITION ->
          "cannot confirm message 0193a5b2-7c1d-7e4f-8a9b-0c1d2e3f4a5b: it is CANCELLED";
      case IDEMPOTENCY_CONFLICT ->
          "producerMessageId order-42 is already used by message"
              + " 0193a5b2-7c1d-7e4f-8a9b-0c1d2e3f4a5b with different content";
      case NOT_DELIVERED ->
          "message 0193a5b2-7c1d-7e4f-8a9b-0c1d2e3f4a5b has not been delivered on"
              + " cart.orders yet: it waits for an earlier message of its ordering key";
      case SECRET_ROTATION_PENDING ->
          "subscription cart.order-created has two valid push secrets: retire the previous one"
              + " before rotating again";
      case PAYLOAD_TOO_LARGE -> "the payload exceeds 1048576 bytes";
      case UNSUPPORTED_MEDIA_TYPE -> "send application/json";
      case NO_SUBSCRIPTION -> "topic order.orphan has no active subscription";
      case TOO_MANY_FAILED_AUTH -> "too many failed authentications from this address";
      case UNAVAILABLE -> "the database is unavailable; retry later";
      case OVERLOADED ->
          "the service is reading as many request bodies as its memory budget of 33554432 bytes"
              + " allows; retry later";
      case INTERNAL -> "unexpected error";
      case ALREADY_EXISTS -> "subscription cart.order-created already exists";
      case WRONG_DELIVERY_MODE -> "subscription cart.order-created delivers by amqp, not by pull";
      case REPLAY_CONFLICT ->
          "replay rp-0193a5b2-7c1d-7e4f-8a9b-0c1d2e3f4a5b is running on cart.order-created:"
              + " one replay at a time";
      case SUBSCRIPTION_INACTIVE ->
          "subscription cart.order-created is inactive: a replay would reach nobody";
      case BEYOND_RETENTION ->
          "from 2026-11-01T00:00:00Z is before the retention horizon (rms.retention PT168H):"
              + " messages finished then may be deleted";
    };
  }
}
