package io.rms.service.apidocs;

import static io.rms.api.ErrorCode.BATCH_TOO_LARGE;
import static io.rms.api.ErrorCode.FORBIDDEN;
import static io.rms.api.ErrorCode.IDEMPOTENCY_CONFLICT;
import static io.rms.api.ErrorCode.ILLEGAL_TRANSITION;
import static io.rms.api.ErrorCode.INVALID_HEADERS;
import static io.rms.api.ErrorCode.INVALID_ID;
import static io.rms.api.ErrorCode.MALFORMED_REQUEST;
import static io.rms.api.ErrorCode.NOT_DELIVERED;
import static io.rms.api.ErrorCode.NOT_FOUND;
import static io.rms.api.ErrorCode.NO_SUBSCRIPTION;
import static io.rms.api.ErrorCode.OVERLOADED;
import static io.rms.api.ErrorCode.PAYLOAD_TOO_LARGE;
import static io.rms.api.ErrorCode.UNSUPPORTED_MEDIA_TYPE;
import static io.rms.api.ErrorCode.VALIDATION_FAILED;

import io.rms.api.ErrorCode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The table of every REST operation's summary, rules, success statuses, refusals and examples,
 * keyed by {@code "METHOD path"}. {@link OperationDocs} refuses to build a document with an {@code
 * /api/v1} operation missing here, so a new endpoint cannot ship undocumented.
 */
final class ApiOperations {
  static final String MESSAGES = "messages";
  static final String CONSUMING = "consuming";
  static final String STATS = "stats";
  static final String OPERATOR = "admin: operator";
  static final String REGISTRY = "admin: registry";

  /** Refusals of every call with a JSON body, before it reaches the command. */
  private static final List<ErrorCode> BODY =
      List.of(
          VALIDATION_FAILED,
          MALFORMED_REQUEST,
          PAYLOAD_TOO_LARGE,
          UNSUPPORTED_MEDIA_TYPE,
          OVERLOADED);

  private static final String ID = "0193a5b2-7c1d-7e4f-8a9b-0c1d2e3f4a5b";
  private static final String ID2 = "0193a5b2-7c1e-7a01-9b2c-3d4e5f6a7b8c";

  private static final String PREPARE_REQUEST =
      """
      {"topic": "order.created", "producerMessageId": "order-42", "businessKey": "42",
       "payload": {"orderId": 42, "items": ["apple"]}, "headers": {"tenant": "eu"}}
      """;

  private static final String MESSAGE =
      """
      {"id": "%s", "app": "orders", "producerMessageId": "order-42", "topic": "order.created",
       "businessKey": "42", "orderingKey": null, "status": "%s",
       "contentType": "application/json", "payload": {"orderId": 42, "items": ["apple"]},
       "headers": {"tenant": "eu"}, "deliverAfter": null,
       "createdAt": "2026-11-29T10:15:30.123Z", "confirmedAt": %s, "finishedAt": %s,
       "checkCount": 0, "traceId": "4bf92f3577b34da6a3ce929d0e0e4736"}
      """;

  private static final String MESSAGE_WITH_HISTORY =
      """
      {"id": "%s", "app": "orders", "producerMessageId": "order-42", "topic": "order.created",
       "businessKey": "42", "orderingKey": null, "status": "CONFIRMED",
       "contentType": "application/json", "payload": {"orderId": 42, "items": ["apple"]},
       "headers": {"tenant": "eu"}, "deliverAfter": null,
       "createdAt": "2026-11-29T10:15:30.123Z", "confirmedAt": "2026-11-29T10:15:30.140Z",
       "finishedAt": null, "checkCount": 0, "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
       "deliveries": [{"subscription": "cart.order-created", "status": "PUBLISHED", "attempts": 1,
         "nextAttemptAt": "2026-11-29T10:15:30.141Z", "ackDeadline": "2026-11-29T10:20:30.150Z",
         "ackedAt": null, "lastError": null}],
       "events": [{"at": "2026-11-29T10:15:30.140Z", "type": "CONFIRMED", "subscription": null,
         "actor": "orders", "detail": {}}]}
      """
          .formatted(ID);

  private static final String IDS = "{\"messageIds\": [\"" + ID + "\", \"" + ID2 + "\"]}";

  private static final Map<String, OperationDoc> TABLE = table();

  private ApiOperations() {}

  /** The entry of an operation, if it has one. */
  static Optional<OperationDoc> of(String method, String path) {
    return Optional.ofNullable(TABLE.get(method + " " + path));
  }

  /** The keys of every documented operation. */
  static java.util.Set<String> keys() {
    return TABLE.keySet();
  }

  private static String message(String status, boolean confirmed, boolean finished) {
    return MESSAGE.formatted(
        ID,
        status,
        confirmed ? "\"2026-11-29T10:15:30.140Z\"" : "null",
        finished ? "\"2026-11-29T10:15:30.150Z\"" : "null");
  }

  private static List<ErrorCode> body(ErrorCode... more) {
    return Stream.concat(BODY.stream(), Stream.of(more)).toList();
  }

  private static Map<String, OperationDoc> table() {
    Map<String, OperationDoc> t = new LinkedHashMap<>();
    t.put(
        "POST /api/v1/messages",
        new OperationDoc(
            "prepareMessage",
            MESSAGES,
            "Prepare a message (stored as PREPARED, not visible to consumers)",
            """
            Step 1 of the reliable-message pattern: call it before your local transaction \
            commits, then confirm after the commit or cancel after a rollback. The message is \
            stored as `PREPARED` and reaches no consumer until it is confirmed; a producer that \
            never decides is asked by the check-back.

            **Idempotency:** with a `producerMessageId` (unique per app) a repeat with the same \
            content answers 200 with the existing message in whatever state it has reached; \
            the same id with different content answers 409 `idempotency-conflict`. Without a \
            `producerMessageId` every call creates a new message.

            The app must produce the topic (403 otherwise) and the topic must have an active \
            subscription (422 `no-subscription`). `payload` is any JSON value; with another \
            `contentType` it is a string (`text/*` as is, anything else base64).

            **Tracing:** a W3C `traceparent` (and `tracestate`) request header, or the same \
            fields in the body, is stored with the message, sent with every delivery (AMQP \
            header `traceparent`) and shown as `traceId`. A malformed one is ignored, never \
            refused (W3C Trace Context); the message then has no trace.""",
            successes(
                201,
                "Prepared: a new message, `PREPARED`.",
                200,
                "An idempotent repeat: the existing message with this `producerMessageId` and the"
                    + " same content, in its current state."),
            body(INVALID_HEADERS, FORBIDDEN, IDEMPOTENCY_CONFLICT, NO_SUBSCRIPTION),
            PREPARE_REQUEST,
            message("PREPARED", false, false)));
    t.put(
        "POST /api/v1/messages/{id}/confirm",
        new OperationDoc(
            "confirmMessage",
            MESSAGES,
            "Confirm a prepared message (it is published to every subscription)",
            """
            Call it after your local transaction committed. `PREPARED` (or `IN_DOUBT`) becomes \
            `CONFIRMED`, one delivery per active subscription is created and published \
            asynchronously; the message becomes `DELIVERED` when every delivery is acknowledged.

            **Idempotent:** confirming a `CONFIRMED` or `DELIVERED` message answers 200 and \
            changes nothing. Confirming a `CANCELLED` message answers 409 \
            `illegal-transition` (recorded as a `CONFLICT` event). Another app's message \
            answers 404.""",
            successes(200, "The message, now (or already) `CONFIRMED` or `DELIVERED`."),
            List.of(INVALID_ID, NOT_FOUND, ILLEGAL_TRANSITION),
            null,
            message("CONFIRMED", true, false)));
    t.put(
        "POST /api/v1/messages/{id}/cancel",
        new OperationDoc(
            "cancelMessage",
            MESSAGES,
            "Cancel a prepared message (it is never delivered)",
            """
            Call it after your local transaction rolled back. `PREPARED` (or `IN_DOUBT`) \
            becomes `CANCELLED`, final.

            **Idempotent:** cancelling a `CANCELLED` message answers 200 and changes nothing. \
            Cancelling a `CONFIRMED` or `DELIVERED` message answers 409 `illegal-transition` \
            (recorded as a `CONFLICT` event). Another app's message answers 404.""",
            successes(200, "The message, now (or already) `CANCELLED`."),
            List.of(INVALID_ID, NOT_FOUND, ILLEGAL_TRANSITION),
            null,
            message("CANCELLED", false, true)));
    t.put(
        "POST /api/v1/messages/send",
        new OperationDoc(
            "sendMessage",
            MESSAGES,
            "Prepare and confirm in one step",
            """
            For a message with no local transaction to guard: stored as `CONFIRMED` and \
            published at once. Same body and refusals as prepare.

            **Idempotency:** a repeat with the same `producerMessageId` and content answers \
            200 with the existing message, and confirms it if it was still `PREPARED`; a \
            repeat of a `CANCELLED` one answers 409 `illegal-transition`; different content \
            answers 409 `idempotency-conflict`. Trace context as for prepare.""",
            successes(
                201,
                "Sent: a new message, `CONFIRMED`.",
                200,
                "An idempotent repeat: the existing message, confirmed."),
            body(
                INVALID_HEADERS,
                FORBIDDEN,
                IDEMPOTENCY_CONFLICT,
                ILLEGAL_TRANSITION,
                NO_SUBSCRIPTION),
            PREPARE_REQUEST,
            message("CONFIRMED", true, false)));
    t.put(
        "POST /api/v1/messages/batch/prepare",
        new OperationDoc(
            "batchPrepareMessages",
            MESSAGES,
            "Prepare up to 1,000 messages in one call",
            """
            Each item is a prepare request and gets the result the single call would have \
            answered (`httpStatus` 201, 200 or a refusal with its `code`), in request order; \
            items that succeed are stored in one transaction, a refused item does not refuse \
            the others. The same idempotency rules apply per item. The whole call is refused \
            only when the batch is empty, larger than 1,000 (`batch-too-large`) or not JSON, \
            and, before the body is read, when the app produces no topic (403). The call's \
            `traceparent` header is the trace context of every item that names none of its own \
            in its `traceparent` field.""",
            successes(200, "Per-item results, in request order."),
            body(BATCH_TOO_LARGE, FORBIDDEN),
            "{\"items\": [" + PREPARE_REQUEST + "]}",
            """
            {"items": [{"index": 0, "id": "%s", "httpStatus": 201, "messageStatus": "PREPARED"}]}
            """
                .formatted(ID)));
    t.put(
        "POST /api/v1/messages/batch/confirm",
        new OperationDoc(
            "batchConfirmMessages",
            MESSAGES,
            "Confirm up to 1,000 messages in one call",
            """
            Each id gets the result a single confirm would have answered, in request order: \
            200 with the message's status, or a refusal (`not-found`, `illegal-transition`, \
            `invalid-id` for a null id) with its `code`. Idempotent per item, like confirm.""",
            successes(200, "Per-item results, in request order."),
            body(BATCH_TOO_LARGE),
            IDS,
            """
            {"items": [{"index": 0, "id": "%s", "httpStatus": 200, "messageStatus": "CONFIRMED"},
              {"index": 1, "id": "%s", "httpStatus": 409, "code": "illegal-transition",
               "detail": "cannot confirm message %s: it is CANCELLED"}]}
            """
                .formatted(ID, ID2, ID2)));
    t.put(
        "POST /api/v1/messages/batch/cancel",
        new OperationDoc(
            "batchCancelMessages",
            MESSAGES,
            "Cancel up to 1,000 messages in one call",
            """
            Each id gets the result a single cancel would have answered, in request order: \
            200 with the message's status, or a refusal (`not-found`, `illegal-transition`, \
            `invalid-id` for a null id) with its `code`. Idempotent per item, like cancel.""",
            successes(200, "Per-item results, in request order."),
            body(BATCH_TOO_LARGE),
            IDS,
            """
            {"items": [{"index": 0, "id": "%s", "httpStatus": 200, "messageStatus": "CANCELLED"},
              {"index": 1, "id": "%s", "httpStatus": 404, "code": "not-found",
               "detail": "no message %s"}]}
            """
                .formatted(ID, ID2, ID2)));
    t.put(
        "GET /api/v1/messages/{id}",
        new OperationDoc(
            "getMessage",
            MESSAGES,
            "Get a message with its deliveries and history",
            """
            The message with one delivery per subscription (status, attempts, next attempt, \
            ack deadline, last error) and its events (check-backs, nacks, timeouts, \
            conflicts, operator actions). Read-only. Another app's message answers 404.""",
            successes(200, "The message with `deliveries` and `events`."),
            List.of(INVALID_ID, NOT_FOUND),
            null,
            MESSAGE_WITH_HISTORY));
    t.put(
        "GET /api/v1/messages",
        new OperationDoc(
            "listMessages",
            MESSAGES,
            "List the app's messages, newest first",
            """
            Filters combine with AND; times are ISO-8601 instants (`createdFrom` inclusive, \
            `createdTo` exclusive). Keyset-paginated: pass the answer's `nextCursor` as \
            `cursor` for the next page (null on the last page); `limit` is 1 to 500 \
            (default 50). Items leave out `deliveries` and `events`. Read-only.""",
            successes(200, "A page of messages."),
            List.of(VALIDATION_FAILED, INVALID_ID),
            null,
            "{\"items\": [" + message("PREPARED", false, false) + "], \"nextCursor\": null}"));
    t.put(
        "POST /api/v1/subscriptions/{name}/acks",
        new OperationDoc(
            "ackMessages",
            CONSUMING,
            "Acknowledge processed messages of one of the app's subscriptions",
            """
            Tell the service that the consumer processed these messages (1 to 1,000 ids). \
            Each delivery becomes `ACKED`; a message whose deliveries are all acknowledged \
            becomes `DELIVERED`. This is separate from the AMQP `basic.ack` of the broker \
            delivery: a consumer does both (see docs/amqp.md).

            **Outcome per id, by the delivery's status** (never a refusal): `PUBLISHED`, \
            `SCHEDULED` or `DEAD` → `ACKED` (a late ack still counts: the work is done; on an \
            ordered subscription the key's next message is released); `ACKED` → \
            `ALREADY_ACKED`; `DISCARDED` (an operator gave up on it) → `DISCARDED`; `WAITING` \
            (an ordered subscription's message not delivered yet) → `NOT_DELIVERED`; no \
            delivery → `NOT_FOUND`. Only `ACKED` changes anything; the others leave the \
            delivery as it was. Treat an outcome value you do not know like `NOT_FOUND`. Only \
            the app that owns the subscription may ack it (403).""",
            successes(200, "Per-id outcomes, in request order."),
            body(BATCH_TOO_LARGE, INVALID_ID, FORBIDDEN, NOT_FOUND),
            IDS,
            """
            {"items": [{"messageId": "%s", "outcome": "ACKED"},
              {"messageId": "%s", "outcome": "ALREADY_ACKED"}]}
            """
                .formatted(ID, ID2)));
    t.put(
        "POST /api/v1/subscriptions/{name}/nacks",
        new OperationDoc(
            "nackMessage",
            CONSUMING,
            "Report that a message could not be processed",
            """
            With `retry` true (the default) the delivery is `SCHEDULED` again after the \
            subscription's backoff and published as a new attempt (`x-rms-attempt` + 1), or \
            becomes `DEAD` once its attempts are used up; with `retry` false it is `DEAD` now. \
            `DEAD` deliveries wait for an operator's redeliver. `reason` is kept as the \
            delivery's last error.

            **By the delivery's status:** `PUBLISHED` or `SCHEDULED` → as above (a repeated \
            nack of a delivery already rescheduled keeps its due time); `ACKED`, `DEAD` or \
            `DISCARDED` → 200 with that status, nothing changes; `WAITING` (an ordered \
            subscription's message not delivered yet) → 409 `not-delivered`, nothing changes. \
            Only the app that owns the subscription may nack it (403); 404 when the \
            subscription has no delivery of the message.""",
            successes(200, "The delivery's status after the nack (or as it was, if finished)."),
            body(FORBIDDEN, NOT_FOUND, NOT_DELIVERED),
            """
            {"messageId": "%s", "reason": "stock service timed out", "retry": true}
            """
                .formatted(ID),
            """
            {"messageId": "%s", "status": "SCHEDULED", "nextAttemptAt": "2026-11-29T10:16:00Z"}
            """
                .formatted(ID)));
    t.put(
        "GET /api/v1/stats",
        new OperationDoc(
            "getStats",
            STATS,
            "The app's counts and oldest stuck work",
            """
            The app's messages by topic and status, its subscriptions' deliveries by status, \
            and the age in seconds of its oldest `PREPARED` message and oldest unacknowledged \
            delivery (null when there is none). `parkedKeys` counts the ordering keys of an \
            ordered subscription that a `DEAD` delivery holds back. Read-only.""",
            successes(200, "The app's counts."),
            List.of(),
            null,
            """
            {"topics": [{"topic": "order.created", "messages": {"PREPARED": 2, "DELIVERED": 120}}],
             "subscriptions": [{"subscription": "cart.order-created",
               "deliveries": {"PUBLISHED": 3, "ACKED": 120}, "parkedKeys": 0}],
             "oldestPreparedAgeSeconds": 1.5, "oldestUnackedAgeSeconds": 0.8}
            """));
    t.put(
        "POST /api/v1/admin/messages/{id}/resolve",
        new OperationDoc(
            "resolveMessage",
            OPERATOR,
            "Commit or roll back a PREPARED or IN_DOUBT message (operator)",
            """
            For messages the check-back could not decide. `COMMIT` confirms the message (it is \
            published), `ROLLBACK` cancels it; the action is recorded with the operator as \
            actor. A message already in the decided state answers 200 unchanged; the opposite \
            final state (`COMMIT` of a `CANCELLED` message, `ROLLBACK` of a `CONFIRMED` one) \
            answers 409 `illegal-transition`. Needs the role OPERATOR or ADMIN (403).""",
            successes(200, "The message after the decision."),
            body(INVALID_ID, FORBIDDEN, NOT_FOUND, ILLEGAL_TRANSITION),
            "{\"decision\": \"COMMIT\"}",
            message("CONFIRMED", true, false)));
    t.put(
        "POST /api/v1/admin/deliveries/redeliver",
        new OperationDoc(
            "redeliver",
            OPERATOR,
            "Publish deliveries again (operator)",
            """
            One delivery (`messageId` and `subscription`: a `DEAD`, `PUBLISHED` or \
            `SCHEDULED` delivery is published now as a new attempt) or in bulk (`subscription`, \
            `status` `DEAD` and `limit`, default 100, at most 1,000). An `ACKED` delivery \
            answers 409 `illegal-transition`. Not idempotent by design: each call publishes a \
            new attempt, which consumers recognise by the unchanged message id. Needs the role \
            OPERATOR or ADMIN (403).""",
            successes(200, "The deliveries that were scheduled and handed to the broker."),
            body(FORBIDDEN, NOT_FOUND, ILLEGAL_TRANSITION),
            "{\"subscription\": \"cart.order-created\", \"status\": \"DEAD\", \"limit\": 100}",
            """
            {"items": [{"messageId": "%s", "subscription": "cart.order-created",
              "previousStatus": "DEAD", "attempt": 6}]}
            """
                .formatted(ID)));
    t.put(
        "POST /api/v1/admin/deliveries/discard",
        new OperationDoc(
            "discard",
            OPERATOR,
            "Give up on DEAD deliveries (operator)",
            """
            One delivery (`messageId` and `subscription`) or in bulk (`subscription`, `status` \
            `DEAD` and `limit`, default 100, at most 1,000). Each becomes `DISCARDED`, final: it \
            is finished without an ack, a `DISCARD` event records who discarded it, and a \
            message whose deliveries are all acked or discarded is `DELIVERED` (retention \
            deletes it). On an ordered subscription the discard releases the next message of \
            the delivery's ordering key (`released` counts them). A delivery that is not `DEAD` \
            answers 409 `illegal-transition` (a repeat therefore too). Needs the role OPERATOR \
            or ADMIN (403).""",
            successes(200, "The discarded deliveries and how many deliveries they released."),
            body(FORBIDDEN, NOT_FOUND, ILLEGAL_TRANSITION),
            "{\"messageId\": \"%s\", \"subscription\": \"cart.order-created\"}".formatted(ID),
            """
            {"items": [{"messageId": "%s", "subscription": "cart.order-created",
              "attempts": 6, "lastError": "poison"}], "released": 1}
            """
                .formatted(ID)));
    t.put(
        "GET /api/v1/admin/events",
        new OperationDoc(
            "listAuditEvents",
            OPERATOR,
            "The audit history across messages (operator)",
            """
            Events newest first, optionally of one message or one type; keyset-paginated with \
            `cursor` and `limit` (1 to 1,000). Read-only. Needs the role OPERATOR or ADMIN \
            (403).""",
            successes(200, "A page of events."),
            List.of(VALIDATION_FAILED, INVALID_ID, FORBIDDEN),
            null,
            """
            {"items": [{"id": 981, "messageId": "%s", "at": "2026-11-29T10:20:00Z",
              "type": "CHECK_BACK", "subscription": null, "actor": "system",
              "detail": {"decision": "UNKNOWN"}}], "nextCursor": null}
            """
                .formatted(ID)));
    t.put(
        "GET /api/v1/admin/apps",
        new OperationDoc(
            "listApps",
            REGISTRY,
            "List the registered apps (admin)",
            """
            Every app with the topics it produces, its roles and its check-back URL; never a \
            key hash or the check-back secret, only whether one is set. Read-only. Needs the \
            role ADMIN (403).""",
            successes(200, "The apps."),
            List.of(FORBIDDEN),
            null,
            """
            [{"id": "orders", "produces": ["order.created"],
              "checkBackUrl": "http://orders:8080/rms/check-back", "checkBackSecretSet": true,
              "roles": ["APP"], "active": true}]
            """));
    t.put(
        "GET /api/v1/admin/apps/{id}",
        new OperationDoc(
            "getApp",
            REGISTRY,
            "Get one registered app (admin)",
            """
            The app with the topics it produces, its roles and its check-back URL (never its \
            secrets). Read-only. Needs the role ADMIN (403).""",
            successes(200, "The app."),
            List.of(FORBIDDEN, NOT_FOUND),
            null,
            """
            {"id": "orders", "produces": ["order.created"],
             "checkBackUrl": "http://orders:8080/rms/check-back", "checkBackSecretSet": true,
             "roles": ["APP"], "active": true}
            """));
    t.put(
        "PUT /api/v1/admin/apps/{id}/check-back",
        new OperationDoc(
            "registerCheckBack",
            REGISTRY,
            "Set an app's check-back URL and signing secret (admin)",
            """
            The URL the service calls to ask the producer about a message left `PREPARED`; a \
            null or blank `url` removes it, a null or blank `secret` keeps the current one. \
            A URL the service may not call (not http(s), a blocked address such as this \
            host, a cloud metadata or link-local address, a host outside the allowlist) or a \
            secret shorter than 32 bytes answers 400. **Idempotent:** the same body again leaves the same \
            registration. Needs the role ADMIN (403).""",
            successes(200, "The app with its new registration."),
            body(FORBIDDEN, NOT_FOUND),
            "{\"url\": \"http://orders:8080/rms/check-back\", \"secret\": \"output-of-openssl-rand-hex-32-at-least-32-bytes\"}",
            """
            {"id": "orders", "produces": ["order.created"],
             "checkBackUrl": "http://orders:8080/rms/check-back", "checkBackSecretSet": true,
             "roles": ["APP"], "active": true}
            """));
    t.putAll(SubscriptionAdminOperations.table());
    t.putAll(PullOperations.table());
    t.putAll(ReplayOperations.table());
    t.putAll(PushSecretOperations.table());
    return Map.copyOf(t);
  }

  private static Map<Integer, String> successes(int status, String description) {
    return Map.of(status, description);
  }

  /** Two success statuses in their order: the first is the usual one, whose example is shown. */
  static Map<Integer, String> successes(int first, String d1, int second, String d2) {
    Map<Integer, String> m = new LinkedHashMap<>();
    m.put(first, d1);
    m.put(second, d2);
    return m;
  }
}
