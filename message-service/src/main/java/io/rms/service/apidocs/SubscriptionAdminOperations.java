package io.rms.service.apidocs;

import static io.rms.api.ErrorCode.ALREADY_EXISTS;
import static io.rms.api.ErrorCode.FORBIDDEN;
import static io.rms.api.ErrorCode.MALFORMED_REQUEST;
import static io.rms.api.ErrorCode.NOT_FOUND;
import static io.rms.api.ErrorCode.PAYLOAD_TOO_LARGE;
import static io.rms.api.ErrorCode.UNSUPPORTED_MEDIA_TYPE;
import static io.rms.api.ErrorCode.VALIDATION_FAILED;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The entries of the admin API's subscription operations (registry changes and held keys), merged
 * into {@link ApiOperations}.
 */
final class SubscriptionAdminOperations {
  private SubscriptionAdminOperations() {}

  private static final String PATH = "/api/v1/admin/subscriptions";

  private static final String SUBSCRIPTION =
      """
      {"name": "cart.order-created", "topic": "order.created", "app": "cart",
       "queue": "rms.sub.cart.order-created", "ackTimeoutSeconds": 60, "maxAttempts": 10,
       "backoffInitialSeconds": 5, "backoffMultiplier": 2.0, "backoffMaxSeconds": 600,
       "ordered": %s, "active": %s, "configured": false, "delivery": "amqp", "push": null,
       "paused": false, "pausedAt": null, "pausedBy": null, "pauseReason": null}
      """;

  private static final String CHECKS =
      """
      The settings are checked as the dashboard checks them (they share one implementation): \
      `topic` and a new `name` must match their patterns, `app` must be a registered app, \
      `ackTimeoutSeconds` 1 to 604,800, `maxAttempts` 1 to 10,000, backoff seconds 0 to \
      604,800 with `backoffMaxSeconds` at least `backoffInitialSeconds` and \
      `backoffMultiplier` 1 to 100, and a `queue` must be a valid name no other subscription \
      uses. `delivery` is `amqp`, `push` or `pull`; `push` needs `push.url`, an http or \
      https URL whose host passes `rms.push.allowed-hosts` and the blocked addresses \
      (loopback, link-local, cloud metadata), with `timeoutSeconds` 0.1 to 300, \
      `concurrency` 1 to 256, `rate` above 0 up to 10,000 and `pauseAfterSeconds` 1 to \
      604,800. A refusal is 400 `validation-failed` whose detail names the field, and changes \
      nothing. The change is audited (an `ADMIN` event, actor `operator:<app>`), applies on \
      this replica at once (its queue is declared) and on the others within their registry \
      refresh interval (`rms.registry.refresh`).""";

  static Map<String, OperationDoc> table() {
    Map<String, OperationDoc> t = new LinkedHashMap<>();
    t.put(
        "GET " + PATH,
        new OperationDoc(
            "listSubscriptions",
            ApiOperations.REGISTRY,
            "List the subscriptions (admin)",
            """
            Every subscription with its settings (topic, consumer app, queue, ack timeout, \
            attempts, backoff, ordered), whether it is active and whether the service's \
            configuration declares it (a restart applies that declaration again). Sorted by \
            name. Read-only. Needs the role ADMIN (403).""",
            Map.of(200, "The subscriptions."),
            List.of(FORBIDDEN),
            null,
            "[" + SUBSCRIPTION.formatted(false, true) + "]"));
    t.put(
        "GET " + PATH + "/{name}",
        new OperationDoc(
            "getSubscription",
            ApiOperations.REGISTRY,
            "Get one subscription (admin)",
            """
            The subscription with its settings, whether it is active and whether configuration \
            declares it. An unknown name answers 404. Read-only. Needs the role ADMIN (403).""",
            Map.of(200, "The subscription."),
            List.of(FORBIDDEN, NOT_FOUND),
            null,
            SUBSCRIPTION.formatted(false, true)));
    t.put(
        "POST " + PATH,
        new OperationDoc(
            "createSubscription",
            ApiOperations.REGISTRY,
            "Create a subscription (admin)",
            """
            `name`, `topic` and `app` are required; every other setting has the default shown \
            in the `SubscriptionRequest` schema (a blank `queue` is `rms.sub.<name>`). \
            Messages of the topic confirmed from now on get a delivery to it. A name that \
            exists answers 409 `already-exists` (so a repeat changes nothing). """
                + CHECKS
                + " Needs the role ADMIN (403).",
            Map.of(201, "The subscription, created (`Location` names it)."),
            body(FORBIDDEN, ALREADY_EXISTS),
            """
            {"name": "cart.order-created", "topic": "order.created", "app": "cart",
             "ackTimeoutSeconds": 60, "maxAttempts": 10, "ordered": true}
            """,
            SUBSCRIPTION.formatted(true, true)));
    t.put(
        "PATCH " + PATH + "/{name}",
        new OperationDoc(
            "changeSubscription",
            ApiOperations.REGISTRY,
            "Change a subscription's settings (admin)",
            """
            The settings in the body replace the current ones; those left out stay. The name \
            never changes (a different `name` in the body answers 400). Deliveries created \
            before the change keep their place; new attempts use the new ack timeout, attempts \
            and backoff. **Idempotent:** the same body again leaves the same settings. An \
            unknown name answers 404. """
                + CHECKS
                + " Needs the role ADMIN (403).",
            Map.of(200, "The subscription with its new settings."),
            body(FORBIDDEN, NOT_FOUND),
            "{\"ackTimeoutSeconds\": 120, \"maxAttempts\": 5}",
            SUBSCRIPTION
                .formatted(false, true)
                .replace("\"ackTimeoutSeconds\": 60", "\"ackTimeoutSeconds\": 120")
                .replace("\"maxAttempts\": 10", "\"maxAttempts\": 5")));
    t.put(
        "POST " + PATH + "/{name}/activate",
        new OperationDoc(
            "activateSubscription",
            ApiOperations.REGISTRY,
            "Activate a subscription (admin)",
            """
            Messages of its topic confirmed from now on get a delivery to it again (and its \
            queue is declared). **Idempotent:** an active subscription answers 200 unchanged. \
            Audited like every registry change. An unknown name answers 404. Needs the role \
            ADMIN (403).""",
            Map.of(200, "The subscription, active."),
            List.of(FORBIDDEN, NOT_FOUND),
            null,
            SUBSCRIPTION.formatted(false, true)));
    t.put(
        "POST " + PATH + "/{name}/deactivate",
        new OperationDoc(
            "deactivateSubscription",
            ApiOperations.REGISTRY,
            "Deactivate a subscription (admin)",
            """
            Messages of its topic confirmed from now on get no delivery to it; its existing \
            deliveries still go out and are tracked, and its queue stays. A topic left \
            without an active subscription refuses new messages (422 `no-subscription`). \
            **Idempotent:** an inactive subscription answers 200 unchanged. Audited like every \
            registry change. An unknown name answers 404. Needs the role ADMIN (403).""",
            Map.of(200, "The subscription, inactive."),
            List.of(FORBIDDEN, NOT_FOUND),
            null,
            SUBSCRIPTION.formatted(false, false)));
    t.put(
        "POST " + PATH + "/{name}/pause",
        new OperationDoc(
            "pauseSubscription",
            ApiOperations.OPERATOR,
            "Pause a subscription: collect its deliveries, send none (operator)",
            """
            Any delivery mode. Messages confirmed while it is paused still get their \
            deliveries (`SCHEDULED`, due), but none is published, pushed or leased, and the ack \
            clock of its published deliveries stands still (no attempt is used up by the \
            pause). Deliveries already in an AMQP queue stay there for the consumer. The body \
            (optional) gives a `reason` (at most 500 characters). **Idempotent:** a paused \
            subscription answers 200 as it was paused (by whom, since when). Audited (an \
            `ADMIN` event `subscription.pause`). Applies on this replica at once and on the \
            others within their registry refresh interval. An unknown name answers 404. Needs \
            the role OPERATOR or ADMIN (403).""",
            Map.of(200, "The subscription, paused."),
            body(FORBIDDEN, NOT_FOUND),
            "{\"reason\": \"cart is migrating its database\"}",
            SUBSCRIPTION
                .formatted(false, true)
                .replace("\"paused\": false", "\"paused\": true")
                .replace("\"pausedAt\": null", "\"pausedAt\": \"2026-12-07T10:15:30Z\"")
                .replace("\"pausedBy\": null", "\"pausedBy\": \"operator:ops\"")
                .replace(
                    "\"pauseReason\": null",
                    "\"pauseReason\": \"cart is migrating its database\"")));
    t.put(
        "POST " + PATH + "/{name}/resume",
        new OperationDoc(
            "resumeSubscription",
            ApiOperations.OPERATOR,
            "Resume a paused subscription (operator)",
            """
            Its collected deliveries are sent again by the next redelivery sweep (within \
            `rms.recovery.interval`), and the ack deadlines of its published deliveries start \
            again from now. **Idempotent:** a subscription that is not paused answers 200 \
            unchanged. Audited (`subscription.resume`). An unknown name answers 404. Needs the \
            role OPERATOR or ADMIN (403).""",
            Map.of(200, "The subscription, no longer paused."),
            List.of(FORBIDDEN, NOT_FOUND),
            null,
            SUBSCRIPTION.formatted(false, true)));
    t.put(
        "GET " + PATH + "/{name}/held-keys",
        new OperationDoc(
            "listHeldKeys",
            ApiOperations.OPERATOR,
            "The ordering keys held back on a subscription, with their blockers (operator)",
            """
            On an ordered subscription a key is held while deliveries of it are `WAITING`, or \
            while its head delivery is `DEAD`. Each key names its blocking message (the key's \
            head: its earliest unfinished message whose delivery there is not acked or \
            discarded) and why it blocks: `DEAD` (redeliver or discard it), `PREPARED` (the \
            producer has not decided), `IN_DOUBT` (resolve it), `UNACKED` (published or \
            scheduled, the consumer has not acked it yet) or `STRANDED` (its own delivery is \
            still `WAITING`). `since` is when the key began holding messages back (the oldest \
            waiting delivery, else when the head began blocking), `waiting` how many \
            deliveries wait behind it. The longest held first, at most `limit` (1 to 1,000, \
            default 100); `more` says whether more are held. Read-only. An unknown name answers \
            404. Needs the role OPERATOR or ADMIN (403).""",
            Map.of(200, "The held keys, the longest held first."),
            List.of(VALIDATION_FAILED, FORBIDDEN, NOT_FOUND),
            null,
            """
            {"subscription": "cart.order-created", "ordered": true, "more": false,
             "items": [{"topic": "order.created", "orderingKey": "order-42",
               "blockingMessage": "0193a5b2-7c1d-7e4f-8a9b-0c1d2e3f4a5b", "reason": "DEAD",
               "messageStatus": "CONFIRMED", "deliveryStatus": "DEAD", "attempts": 10,
               "lastError": "poison", "since": "2026-11-29T10:15:30.140Z", "ageSeconds": 312.5,
               "waiting": 3}]}
            """));
    return t;
  }

  private static List<io.rms.api.ErrorCode> body(io.rms.api.ErrorCode... more) {
    List<io.rms.api.ErrorCode> codes =
        new java.util.ArrayList<>(
            List.of(
                VALIDATION_FAILED, MALFORMED_REQUEST, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE));
    codes.addAll(List.of(more));
    return codes;
  }
}
