package io.rms.service.apidocs;

import static io.rms.api.ErrorCode.BEYOND_RETENTION;
import static io.rms.api.ErrorCode.FORBIDDEN;
import static io.rms.api.ErrorCode.MALFORMED_REQUEST;
import static io.rms.api.ErrorCode.NOT_FOUND;
import static io.rms.api.ErrorCode.PAYLOAD_TOO_LARGE;
import static io.rms.api.ErrorCode.REPLAY_CONFLICT;
import static io.rms.api.ErrorCode.SUBSCRIPTION_INACTIVE;
import static io.rms.api.ErrorCode.UNSUPPORTED_MEDIA_TYPE;
import static io.rms.api.ErrorCode.VALIDATION_FAILED;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The entries of the replay operations (docs/design.md §5.2), merged into {@link ApiOperations}.
 */
final class ReplayOperations {
  private ReplayOperations() {}

  private static final String PATH = "/api/v1/admin/subscriptions/{name}";

  static Map<String, OperationDoc> table() {
    Map<String, OperationDoc> t = new LinkedHashMap<>();
    t.put(
        "POST " + PATH + "/replay",
        new OperationDoc(
            "replaySubscription",
            ApiOperations.OPERATOR,
            "Deliver a window of history again on one subscription (operator)",
            """
            Selects the messages of the subscription's topic confirmed in [`from`, `to`) \
            (ISO-8601), CONFIRMED or DELIVERED, optionally only those with `businessKey`, only \
            those whose delivery there is `status` (`ACKED`, `DISCARDED` or `DEAD`; default: \
            those three and messages without a delivery there, e.g. confirmed before the \
            subscription existed; a delivery in flight is on its way already and is left out), \
            at most `limit` (default and most: `rms.replay.max-messages`, 100,000). The \
            selection is fixed at the start and answered as `selected` (202). The replay sweep \
            then gives each selected message a fresh delivery cycle on this subscription only, \
            at most `rms.replay.rate` per second (default 100): the same delivery back to \
            `SCHEDULED` with attempts from 1 and the AMQP header `x-rms-replay: <replayId>`, \
            the message `CONFIRMED` until it is acked again, a `REPLAYED` event with the actor \
            and the replay id. On an ordered subscription a key's messages go out one at a \
            time in their order. **Idempotent by `replayId`** (1 to 140 of \
            `[A-Za-z0-9._:-]`; without one the service makes an id): the same id again answers \
            the same replay (202, its current state) and delivers nothing twice; the same id \
            with other parameters is 409 `replay-conflict`. `dryRun: true` answers the count \
            with 200 and changes nothing. One replay runs on a subscription at a time (a \
            second is 409 `replay-conflict`). An inactive subscription is 409 \
            `subscription-inactive`; a window beginning before the retention horizon \
            (`rms.retention`) 422 `beyond-retention`; `from` not before `to` 400. An unknown \
            name answers 404. Audited (`REPLAY` event). Needs the role OPERATOR or ADMIN \
            (403).""",
            ApiOperations.successes(
                202,
                "The replay: its id, how many messages it selected, its state.",
                200,
                "A dry run: how many messages a replay would select (`replayId` null)."),
            List.of(
                VALIDATION_FAILED,
                MALFORMED_REQUEST,
                PAYLOAD_TOO_LARGE,
                UNSUPPORTED_MEDIA_TYPE,
                FORBIDDEN,
                NOT_FOUND,
                REPLAY_CONFLICT,
                SUBSCRIPTION_INACTIVE,
                BEYOND_RETENTION),
            """
            {"from": "2026-12-01T08:00:00Z", "to": "2026-12-01T12:00:00Z",
             "replayId": "cart-bug-1207", "businessKey": null, "status": "ACKED",
             "limit": null, "dryRun": false}
            """,
            """
            {"replayId": "cart-bug-1207", "selected": 1250, "status": "RUNNING"}
            """));
    t.put(
        "GET " + PATH + "/replays",
        new OperationDoc(
            "listReplays",
            ApiOperations.OPERATOR,
            "The replays and the backfill of a subscription, with their progress (operator)",
            """
            Newest first, at most `limit` (1 to 1,000, default 100): each replay's window and \
            filters, `kind` (`REPLAY`, or `BACKFILL` for the history a subscription created \
            with `backfillFrom` starts with, id `backfill:<name>`), `state` (`RUNNING`, \
            `DONE`), `selected`, `replayed` (given a fresh cycle), `skipped` (left alone: in \
            flight meanwhile, or gone), `progress` (0 to 1), who started it and when. \
            Read-only. An unknown name answers 404. Needs the role OPERATOR or ADMIN (403).""",
            Map.of(200, "The replays, newest first."),
            List.of(VALIDATION_FAILED, FORBIDDEN, NOT_FOUND),
            null,
            """
            [{"replayId": "cart-bug-1207", "subscription": "cart.order-created",
              "kind": "REPLAY", "from": "2026-12-01T08:00:00Z", "to": "2026-12-01T12:00:00Z",
              "businessKey": null, "status": "ACKED", "limit": null, "state": "RUNNING",
              "selected": 1250, "replayed": 400, "skipped": 0, "progress": 0.32,
              "startedBy": "operator:ops", "startedAt": "2026-12-07T09:00:00Z",
              "finishedAt": null}]
            """));
    return t;
  }
}
