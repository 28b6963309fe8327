package io.rms.service.apidocs;

import static io.rms.api.ErrorCode.FORBIDDEN;
import static io.rms.api.ErrorCode.MALFORMED_REQUEST;
import static io.rms.api.ErrorCode.NOT_FOUND;
import static io.rms.api.ErrorCode.OVERLOADED;
import static io.rms.api.ErrorCode.PAYLOAD_TOO_LARGE;
import static io.rms.api.ErrorCode.UNSUPPORTED_MEDIA_TYPE;
import static io.rms.api.ErrorCode.VALIDATION_FAILED;
import static io.rms.api.ErrorCode.WRONG_DELIVERY_MODE;

import java.util.List;
import java.util.Map;

/** The entry of the pull call (pull subscriptions), merged into {@link ApiOperations}. */
final class PullOperations {
  private PullOperations() {}

  private static final String ID = "0193a5b2-7c1d-7e4f-8a9b-0c1d2e3f4a5b";

  static Map<String, OperationDoc> table() {
    return Map.of(
        "POST /api/v1/subscriptions/{name}/pull",
        new OperationDoc(
            "pullDeliveries",
            ApiOperations.CONSUMING,
            "Lease deliveries of one of the app's pull subscriptions",
            """
            For a subscription with `delivery: pull`: the service publishes nothing to a \
            queue; the consumer leases its due deliveries here, oldest due first. Each leased \
            delivery is attempt `attempt` (`PUBLISHED`, as a published one is): ack it \
            (`/acks`) or nack it (`/nacks`) before `leaseExpiresAt`. A lease that expires is a \
            failed attempt, as an ack timeout is: the delivery comes back after the \
            subscription's backoff (attempt + 1), or is `DEAD` once its attempts are used up. \
            An ack after the lease expired still counts (the work is done). Two callers never \
            hold the same delivery at once, across replicas. On an ordered subscription only \
            the next message of each ordering key can be leased, so a caller holds at most one \
            per key, and `sequence` is the message's place in its key.

            `max` 1 to 1,000 (default 1), `leaseSeconds` 5 to 600 (default 60), `waitSeconds` \
            0 to 30 (default 0): with nothing due the call waits up to that long for \
            deliveries (a long poll that holds no database connection and no thread) and \
            answers an empty list if none came. A paused subscription answers an empty list. \
            Out-of-range values answer 400 `validation-failed` and lease nothing; a \
            subscription of another delivery mode answers 409 `wrong-delivery-mode`; another \
            app's subscription 403; an unknown one 404. More waiting calls than \
            `rms.pull.max-waiters` on one replica answer 429 `overloaded`.""",
            Map.of(200, "The leased deliveries (possibly none), oldest due first."),
            List.of(
                VALIDATION_FAILED,
                MALFORMED_REQUEST,
                PAYLOAD_TOO_LARGE,
                UNSUPPORTED_MEDIA_TYPE,
                OVERLOADED,
                FORBIDDEN,
                NOT_FOUND,
                WRONG_DELIVERY_MODE),
            """
            {"max": 10, "waitSeconds": 20, "leaseSeconds": 60}
            """,
            """
            {"deliveries": [{"messageId": "%s", "subscription": "cart.order-created",
              "attempt": 1, "leaseExpiresAt": "2026-11-29T10:16:30.150Z", "sequence": null,
              "message": {"id": "%s", "app": "orders", "producerMessageId": "order-42",
               "topic": "order.created", "businessKey": "42", "orderingKey": null,
               "status": "CONFIRMED", "contentType": "application/json",
               "payload": {"orderId": 42, "items": ["apple"]}, "headers": {"tenant": "eu"},
               "deliverAfter": null, "createdAt": "2026-11-29T10:15:30.123Z",
               "confirmedAt": "2026-11-29T10:15:30.140Z", "finishedAt": null,
               "checkCount": 0}}]}
            """
                .formatted(ID, ID)));
  }
}
