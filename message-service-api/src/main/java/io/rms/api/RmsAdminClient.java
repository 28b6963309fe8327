package io.rms.api;

import feign.Headers;
import feign.Param;
import feign.RequestLine;
import java.util.List;
import java.util.UUID;

/**
 * The admin API ({@code /api/v1/admin/**}) as an OpenFeign client (plain Feign contract). Build one
 * with {@link RmsClients#createAdmin}, with the API key of an app whose role allows the calls used:
 * OPERATOR or ADMIN for the operator actions (resolve, redeliver, discard, the audit trail, pause
 * and resume, held keys, replays), ADMIN alone for the registry (apps, subscriptions' settings and
 * (de)activation, push secrets). A problem answer is thrown as {@link RmsApiException} with its
 * status and {@link ErrorCode}; besides those each method names, every call can answer 401 {@code
 * unauthenticated}, 403 {@code forbidden} (the key's app lacks the role), 429 {@code
 * too-many-failed-auth} or {@code overloaded}, and 503 {@code unavailable}. Every change is audited
 * with actor {@code operator:<app>}.
 */
@Headers({"Content-Type: application/json", "Accept: application/json"})
public interface RmsAdminClient {

  // Operator actions: role OPERATOR or ADMIN.

  /**
   * COMMIT or ROLLBACK a PREPARED or IN_DOUBT message of any app; audited. Role OPERATOR or ADMIN.
   * Answers the message. 400 {@code validation-failed} (no decision), 404 {@code not-found}, 409
   * {@code illegal-transition} (a decision contradicting the message's state).
   */
  @RequestLine("POST /api/v1/admin/messages/{id}/resolve")
  MessageView resolve(@Param("id") UUID id, ResolveRequest request);

  /**
   * Publish one delivery again, or up to a limit of a subscription's DEAD ones; audited. Role
   * OPERATOR or ADMIN. Answers the deliveries republished. 400 {@code validation-failed}, 404
   * {@code not-found}, 409 {@code illegal-transition} (an acked delivery).
   */
  @RequestLine("POST /api/v1/admin/deliveries/redeliver")
  RedeliverResult redeliver(RedeliverRequest request);

  /**
   * Give up on DEAD deliveries: one ({@link DiscardRequest#one}) or a subscription's ({@link
   * DiscardRequest#deadOf}); each becomes DISCARDED (final) and, on an ordered subscription,
   * releases the next message of its key; audited. Role OPERATOR or ADMIN. Answers the discarded
   * deliveries and how many they released. 400 {@code validation-failed}, 404 {@code not-found},
   * 409 {@code illegal-transition} (a delivery that is not DEAD, so a repeat too).
   */
  @RequestLine("POST /api/v1/admin/deliveries/discard")
  DiscardResult discard(DiscardRequest request);

  /**
   * Recent events, newest first; null filters are left out. Role OPERATOR or ADMIN. 400 {@code
   * validation-failed} or {@code invalid-id} (a limit out of range, a cursor not issued by the
   * service).
   */
  @RequestLine(
      "GET /api/v1/admin/events?messageId={messageId}&type={type}&cursor={cursor}&limit={limit}")
  AuditEventPage events(
      @Param("messageId") UUID messageId,
      @Param("type") String type,
      @Param("cursor") String cursor,
      @Param("limit") Integer limit);

  /**
   * Pause a subscription of any delivery mode: its deliveries are collected, none is sent, its ack
   * clock stands still; idempotent (a paused one answers as it was paused); audited. Role OPERATOR
   * or ADMIN. Answers the subscription. 400 {@code validation-failed} (a reason over 500
   * characters), 404 {@code not-found}.
   */
  @RequestLine("POST /api/v1/admin/subscriptions/{name}/pause")
  SubscriptionView pauseSubscription(@Param("name") String name, PauseRequest request);

  /** {@link #pauseSubscription(String, PauseRequest)} without a reason. */
  default SubscriptionView pauseSubscription(String name) {
    return pauseSubscription(name, new PauseRequest(null));
  }

  /**
   * Resume a paused subscription: the next redelivery sweep sends what it collected; idempotent;
   * audited. Role OPERATOR or ADMIN. Answers the subscription. 404 {@code not-found}.
   */
  @RequestLine("POST /api/v1/admin/subscriptions/{name}/resume")
  SubscriptionView resumeSubscription(@Param("name") String name);

  /**
   * The ordering keys held back on a subscription, the longest held first, each with its blocking
   * message and why it blocks; a null limit is the default (100). Role OPERATOR or ADMIN. 400
   * {@code validation-failed} (limit not 1 to 1,000), 404 {@code not-found}.
   */
  @RequestLine("GET /api/v1/admin/subscriptions/{name}/held-keys?limit={limit}")
  HeldKeys heldKeys(@Param("name") String name, @Param("limit") Integer limit);

  /**
   * Deliver a window of history again on one subscription (paced by the replay sweep), or with
   * {@code dryRun} only count what it would select; idempotent by {@code replayId}; audited. Role
   * OPERATOR or ADMIN. Answers the replay's id, how many messages it selected and its state (a dry
   * run: {@code DRY_RUN}, no id). 400 {@code validation-failed} (window, replayId, status, limit),
   * 404 {@code not-found}, 409 {@code replay-conflict} (one running already, or the id reused with
   * other parameters) or {@code subscription-inactive}, 422 {@code beyond-retention}.
   */
  @RequestLine("POST /api/v1/admin/subscriptions/{name}/replay")
  ReplayStarted replay(@Param("name") String name, ReplayRequest request);

  /**
   * A subscription's replays and backfill, newest first, with their progress; a null limit is the
   * default (100). Role OPERATOR or ADMIN. 400 {@code validation-failed} (limit not 1 to 1,000),
   * 404 {@code not-found}.
   */
  @RequestLine("GET /api/v1/admin/subscriptions/{name}/replays?limit={limit}")
  List<ReplayView> replays(@Param("name") String name, @Param("limit") Integer limit);

  // The registry: role ADMIN.

  /** Every app, sorted by id, without key hashes or secrets. Role ADMIN. */
  @RequestLine("GET /api/v1/admin/apps")
  List<AppView> apps();

  /** One app, without key hashes or secrets. Role ADMIN. 404 {@code not-found}. */
  @RequestLine("GET /api/v1/admin/apps/{id}")
  AppView app(@Param("id") String id);

  /**
   * Set an app's check-back URL (null or blank removes it) and, when given, its signing secret;
   * idempotent; audited. Role ADMIN. Answers the app. 400 {@code validation-failed} (a URL the
   * service may not call, a secret under 32 bytes), 404 {@code not-found}.
   */
  @RequestLine("PUT /api/v1/admin/apps/{id}/check-back")
  AppView registerCheckBack(@Param("id") String id, CheckBackRegistration request);

  /** Every subscription with its settings, sorted by name. Role ADMIN. */
  @RequestLine("GET /api/v1/admin/subscriptions")
  List<SubscriptionView> subscriptions();

  /** One subscription with its settings. Role ADMIN. 404 {@code not-found}. */
  @RequestLine("GET /api/v1/admin/subscriptions/{name}")
  SubscriptionView subscription(@Param("name") String name);

  /**
   * Create a subscription ({@code name}, {@code topic}, {@code app} required, the rest defaults);
   * messages of its topic confirmed from now on get a delivery to it; audited. Role ADMIN. Answers
   * it (201). 400 {@code validation-failed} (the detail names the field), 409 {@code
   * already-exists}.
   */
  @RequestLine("POST /api/v1/admin/subscriptions")
  SubscriptionView createSubscription(SubscriptionRequest request);

  /**
   * Change a subscription's settings: those given replace the current ones, the others stay (the
   * name never changes); idempotent; audited. Role ADMIN. Answers it. 400 {@code validation-failed}
   * (the detail names the field; a different name), 404 {@code not-found}. Sent as {@code PATCH},
   * which the client of {@link RmsClients#createAdmin} can send and Feign's default client cannot.
   */
  @RequestLine("PATCH /api/v1/admin/subscriptions/{name}")
  SubscriptionView changeSubscription(@Param("name") String name, SubscriptionRequest request);

  /**
   * Activate a subscription: messages of its topic confirmed from now on get a delivery to it
   * again; idempotent; audited. Role ADMIN. Answers it. 404 {@code not-found}.
   */
  @RequestLine("POST /api/v1/admin/subscriptions/{name}/activate")
  SubscriptionView activateSubscription(@Param("name") String name);

  /**
   * Deactivate a subscription: messages confirmed from now on get no delivery to it (its existing
   * ones still go out); idempotent; audited. Role ADMIN. Answers it. 404 {@code not-found}.
   */
  @RequestLine("POST /api/v1/admin/subscriptions/{name}/deactivate")
  SubscriptionView deactivateSubscription(@Param("name") String name);

  /**
   * A new push signing secret for a subscription, answered this once; the previous one stays valid
   * until {@link #retirePushSecret}; audited (never the secret). Role ADMIN. 404 {@code not-found},
   * 409 {@code secret-rotation-pending} (two are valid already: retire first).
   */
  @RequestLine("POST /api/v1/admin/subscriptions/{name}/push-secrets/rotate")
  PushSecrets rotatePushSecret(@Param("name") String name);

  /**
   * Keep only a subscription's newest push secret; idempotent; audited. Role ADMIN. Answers how
   * many are valid (no secret). 404 {@code not-found}.
   */
  @RequestLine("POST /api/v1/admin/subscriptions/{name}/push-secrets/retire")
  PushSecrets retirePushSecret(@Param("name") String name);
}
