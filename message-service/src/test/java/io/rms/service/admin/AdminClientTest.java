package io.rms.service.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.GetResponse;
import io.rms.api.AppView;
import io.rms.api.CheckBackRegistration;
import io.rms.api.DeliveryStatus;
import io.rms.api.DiscardRequest;
import io.rms.api.DiscardResult;
import io.rms.api.ErrorCode;
import io.rms.api.HeldKey;
import io.rms.api.HeldKeys;
import io.rms.api.PauseRequest;
import io.rms.api.PushSecrets;
import io.rms.api.ReplayRequest;
import io.rms.api.ReplayStarted;
import io.rms.api.ReplayView;
import io.rms.api.RmsAdminClient;
import io.rms.api.RmsApiException;
import io.rms.api.RmsClients;
import io.rms.api.SubscriptionRequest;
import io.rms.api.SubscriptionView;
import io.rms.service.registry.Registry;
import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.BrokerProbe;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.TestInfra;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * {@link RmsAdminClient} (message-service-api's Feign client of the admin API) driving the running
 * service: every call once on its happy path, registry calls with the ADMIN key {@code root},
 * operator calls with the OPERATOR key {@code ops}, and problem answers thrown as {@link
 * RmsApiException} with their status and code (an operator on an admin-only call, an unknown
 * subscription, a refused body, a rotation while two secrets are valid).
 */
class AdminClientTest extends IntegrationTest {
  private static final String SECRET = "admin-client-secret-0123456789abcdef";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Autowired Registry registry;

  private String topic;
  private String name;
  private RmsAdminClient root;
  private RmsAdminClient ops;

  @BeforeEach
  void ordersProducesAFreshTopic() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    topic = "adm.client-" + suffix;
    name = "adm.client-sub-" + suffix;
    jdbc.update("update app set produces = array_append(produces, ?) where id = 'orders'", topic);
    registry.refresh();
    root = admin("root");
    ops = admin("ops");
  }

  @AfterEach
  void restoreOrdersAndAudit() {
    jdbc.update("update app set produces = array_remove(produces, ?) where id = 'orders'", topic);
    jdbc.update(
        "update app set check_back_url = null, check_back_secret = null where id = 'audit'");
    registry.refresh();
  }

  private RmsAdminClient admin(String app) {
    return RmsClients.createAdmin("http://127.0.0.1:" + port, app + "-key");
  }

  /** An ordered subscription of audit on the test's topic, created through the client. */
  private SubscriptionView create(Integer maxAttempts) {
    SubscriptionView created =
        root.createSubscription(
            new SubscriptionRequest(
                name,
                topic,
                "audit",
                null,
                null,
                maxAttempts,
                null,
                null,
                null,
                true,
                null,
                null,
                null,
                null));
    TestInfra.get().deleteAtExit(created.queue());
    return created;
  }

  private static SubscriptionRequest change(Integer maxAttempts, Long ackTimeoutSeconds) {
    return new SubscriptionRequest(
        null,
        null,
        null,
        null,
        ackTimeoutSeconds,
        maxAttempts,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  private static void refused(ThrowingCallable call, int status, ErrorCode code) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            RmsApiException.class,
            e -> {
              assertThat(e.status()).as(e.getMessage()).isEqualTo(status);
              assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            });
  }

  @Test
  void theRegistryCallsCoverAppsAndASubscriptionsWholeLife() {
    List<AppView> apps = root.apps();
    assertThat(apps).extracting(AppView::id).contains("orders", "ops", "root").isSorted();
    assertThat(root.app("ops").roles()).contains("OPERATOR");
    assertThat(root.app("orders").produces()).contains(topic);
    AppView registered =
        root.registerCheckBack(
            "audit", new CheckBackRegistration("http://127.0.0.1:9/check-back", SECRET));
    assertThat(registered.checkBackUrl()).isEqualTo("http://127.0.0.1:9/check-back");
    assertThat(registered.checkBackSecretSet()).isTrue();
    assertThat(root.app("audit").checkBackUrl()).isEqualTo("http://127.0.0.1:9/check-back");

    SubscriptionView created = create(4);
    assertThat(created.name()).isEqualTo(name);
    assertThat(created.topic()).isEqualTo(topic);
    assertThat(created.queue()).isEqualTo(TestInfra.get().queuePrefix + name);
    assertThat(created.maxAttempts()).isEqualTo(4);
    assertThat(created.ackTimeoutSeconds()).as("default").isEqualTo(60);
    assertThat(created.ordered()).isTrue();
    assertThat(created.active()).isTrue();
    assertThat(created.configured()).isFalse();
    assertThat(created.delivery()).isEqualTo("amqp");
    refused(() -> create(4), 409, ErrorCode.ALREADY_EXISTS);

    assertThat(root.subscription(name).topic()).isEqualTo(topic);
    assertThat(root.subscriptions())
        .extracting(SubscriptionView::name)
        .contains(name, "cart.order-created")
        .isSorted();

    SubscriptionView changed = root.changeSubscription(name, change(7, 30L));
    assertThat(changed.maxAttempts()).isEqualTo(7);
    assertThat(changed.ackTimeoutSeconds()).isEqualTo(30);
    assertThat(changed.ordered()).as("kept").isTrue();
    assertThat(root.subscription(name).maxAttempts()).isEqualTo(7);

    assertThat(root.deactivateSubscription(name).active()).isFalse();
    assertThat(root.subscription(name).active()).isFalse();
    assertThat(root.activateSubscription(name).active()).isTrue();

    PushSecrets first = root.rotatePushSecret(name);
    assertThat(first.subscription()).isEqualTo(name);
    assertThat(first.secret()).matches("[0-9a-f]{64}");
    assertThat(first.validSecrets()).isEqualTo(1);
    PushSecrets second = root.rotatePushSecret(name);
    assertThat(second.secret()).matches("[0-9a-f]{64}").isNotEqualTo(first.secret());
    assertThat(second.validSecrets()).isEqualTo(2);
    refused(() -> root.rotatePushSecret(name), 409, ErrorCode.SECRET_ROTATION_PENDING);
    PushSecrets retired = root.retirePushSecret(name);
    assertThat(retired.secret()).isNull();
    assertThat(retired.validSecrets()).isEqualTo(1);
  }

  @Test
  void theOperatorCallsHoldDiscardReplayPauseAndResume() {
    create(null);
    Api orders = as("orders");
    Api audit = as("audit");
    String key = "k-" + UUID.randomUUID().toString().substring(0, 8);
    Instant from = Instant.now().minusSeconds(60);
    try (BrokerProbe queue = queue(name)) {
      UUID dead = sent(orders.send(topic, "orderingKey", key, "payload", Map.of("n", 1)));
      UUID second = sent(orders.send(topic, "orderingKey", key, "payload", Map.of("n", 2)));
      assertThat(next(queue)).isEqualTo(dead);
      assertThat(audit.nack(name, dead, "poison", false).text("status")).isEqualTo("DEAD");

      HeldKeys held = ops.heldKeys(name, 10);
      assertThat(held.subscription()).isEqualTo(name);
      assertThat(held.ordered()).isTrue();
      assertThat(held.more()).isFalse();
      assertThat(held.items()).hasSize(1);
      HeldKey head = held.items().get(0);
      assertThat(head.orderingKey()).isEqualTo(key);
      assertThat(head.blockingMessage()).isEqualTo(dead);
      assertThat(head.reason()).isEqualTo(HeldKey.Reason.DEAD);
      assertThat(head.waiting()).isEqualTo(1);

      DiscardResult discarded = ops.discard(DiscardRequest.one(dead, name));
      assertThat(discarded.items())
          .extracting(DiscardResult.Discarded::messageId)
          .containsExactly(dead);
      assertThat(discarded.items().get(0).lastError()).contains("poison");
      assertThat(discarded.released()).as("the key's next message").isEqualTo(1);
      refused(() -> ops.discard(DiscardRequest.one(dead, name)), 409, ErrorCode.ILLEGAL_TRANSITION);
      assertThat(next(queue)).isEqualTo(second);
      assertThat(audit.ack(name, second).status()).isEqualTo(200);
    }
    assertThat(ops.heldKeys(name, null).items()).isEmpty();

    Instant to = Instant.now().plusSeconds(60);
    ReplayStarted dryRun =
        ops.replay(name, new ReplayRequest(from, to, null, null, null, null, true));
    assertThat(dryRun.status()).isEqualTo("DRY_RUN");
    assertThat(dryRun.replayId()).isNull();
    assertThat(dryRun.selected()).as("the discarded and the acked message").isEqualTo(2);
    String replayId = "adm-client-" + UUID.randomUUID();
    ReplayRequest discardedOnly =
        new ReplayRequest(from, to, replayId, null, DeliveryStatus.DISCARDED, null, null);
    ReplayStarted started = ops.replay(name, discardedOnly);
    assertThat(started.replayId()).isEqualTo(replayId);
    assertThat(started.selected()).isEqualTo(1);
    List<ReplayView> replays = ops.replays(name, 10);
    assertThat(replays).extracting(ReplayView::replayId).containsExactly(replayId);
    assertThat(replays.get(0).kind()).isEqualTo("REPLAY");
    assertThat(replays.get(0).status()).isEqualTo(DeliveryStatus.DISCARDED);
    assertThat(replays.get(0).startedBy()).isEqualTo("operator:ops");
    // finished here: a replay left RUNNING would be stepped by other tests' replay sweeps
    // (ReplayStepsTest counts the steps of every running replay)
    jdbc.update("update replay set state = 'DONE', finished_at = now() where id = ?", replayId);

    SubscriptionView paused = ops.pauseSubscription(name, new PauseRequest("maintenance"));
    assertThat(paused.paused()).isTrue();
    assertThat(paused.pausedBy()).isEqualTo("operator:ops");
    assertThat(paused.pauseReason()).isEqualTo("maintenance");
    assertThat(ops.resumeSubscription(name).paused()).isFalse();
    SubscriptionView pausedWithoutReason = ops.pauseSubscription(name);
    assertThat(pausedWithoutReason.paused()).isTrue();
    assertThat(pausedWithoutReason.pauseReason())
        .as("the default")
        .isEqualTo("paused by operator:ops");
    assertThat(ops.resumeSubscription(name).paused()).isFalse();
  }

  @Test
  void problemAnswersComeOutAsExceptionsWithStatusAndCode() {
    create(null);
    String unknown = "adm.client-none-" + UUID.randomUUID().toString().substring(0, 8);

    refused(() -> ops.subscriptions(), 403, ErrorCode.FORBIDDEN);
    refused(() -> ops.apps(), 403, ErrorCode.FORBIDDEN);
    refused(() -> ops.changeSubscription(name, change(2, null)), 403, ErrorCode.FORBIDDEN);
    refused(() -> ops.rotatePushSecret(name), 403, ErrorCode.FORBIDDEN);
    assertThat(root.subscription(name).maxAttempts()).as("unchanged").isEqualTo(10);

    refused(() -> root.subscription(unknown), 404, ErrorCode.NOT_FOUND);
    refused(() -> root.changeSubscription(unknown, change(2, null)), 404, ErrorCode.NOT_FOUND);
    refused(() -> root.activateSubscription(unknown), 404, ErrorCode.NOT_FOUND);
    refused(() -> root.retirePushSecret(unknown), 404, ErrorCode.NOT_FOUND);
    refused(() -> root.app("no-such-app"), 404, ErrorCode.NOT_FOUND);
    refused(() -> ops.heldKeys(unknown, null), 404, ErrorCode.NOT_FOUND);
    refused(() -> ops.pauseSubscription(unknown), 404, ErrorCode.NOT_FOUND);
    refused(() -> ops.replays(unknown, null), 404, ErrorCode.NOT_FOUND);
    refused(
        () ->
            ops.replay(unknown, ReplayRequest.window(Instant.now().minusSeconds(5), Instant.now())),
        404,
        ErrorCode.NOT_FOUND);
    refused(
        () -> ops.discard(DiscardRequest.one(UUID.randomUUID(), unknown)),
        404,
        ErrorCode.NOT_FOUND);

    refused(
        () ->
            root.createSubscription(
                new SubscriptionRequest(
                    unknown, null, "audit", null, null, null, null, null, null, null, null, null,
                    null, null)),
        400,
        ErrorCode.VALIDATION_FAILED);
    refused(() -> root.changeSubscription(name, change(0, null)), 400, ErrorCode.VALIDATION_FAILED);
    refused(() -> ops.heldKeys(name, 0), 400, ErrorCode.VALIDATION_FAILED);
    Instant now = Instant.now();
    refused(
        () -> ops.replay(name, ReplayRequest.window(now, now.minusSeconds(60))),
        400,
        ErrorCode.VALIDATION_FAILED);
    refused(
        () -> ops.pauseSubscription(name, new PauseRequest("x".repeat(501))),
        400,
        ErrorCode.VALIDATION_FAILED);
    refused(
        () -> root.registerCheckBack("audit", new CheckBackRegistration("ftp://127.0.0.1/", null)),
        400,
        ErrorCode.VALIDATION_FAILED);
    assertThat(root.subscription(name).paused()).as("unchanged").isFalse();
  }

  private static UUID sent(Response r) {
    assertThat(r.status()).as(r.raw()).isEqualTo(201);
    return r.id();
  }

  private static UUID next(BrokerProbe queue) {
    GetResponse r = queue.next(WAIT);
    assertThat(r).as("a delivery arrives").isNotNull();
    return UUID.fromString(r.getProps().getMessageId());
  }
}
