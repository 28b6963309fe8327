package io.rms.service.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rms.api.AckOutcome;
import io.rms.api.BatchPrepareRequest;
import io.rms.api.DeliveryStatus;
import io.rms.api.ErrorCode;
import io.rms.api.MessageIdsRequest;
import io.rms.api.MessagePage;
import io.rms.api.MessageStatus;
import io.rms.api.MessageView;
import io.rms.api.NackRequest;
import io.rms.api.PrepareMessageRequest;
import io.rms.api.RmsApiException;
import io.rms.api.RmsClient;
import io.rms.api.RmsClients;
import io.rms.service.testing.Await;
import io.rms.service.testing.IntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The OpenFeign client of message-service-api driving the running server. */
class FeignClientTest extends IntegrationTest {

  private RmsClient client(String app) {
    return RmsClients.create("http://127.0.0.1:" + port, app + "-key");
  }

  @Test
  void theClientCoversTheProducerAndConsumerCalls() {
    RmsClient orders = client("orders");
    RmsClient cart = client("cart");
    String key = "feign-" + UUID.randomUUID();

    MessageView prepared =
        orders.prepare(
            PrepareMessageRequest.of("order.created", Map.of("orderId", 7))
                .withProducerMessageId(key)
                .withBusinessKey(key)
                .withHeaders(Map.of("tenant", "eu")));
    assertThat(prepared.status()).isEqualTo(MessageStatus.PREPARED);
    assertThat(prepared.payload()).isEqualTo(Map.of("orderId", 7));
    assertThat(orders.confirm(prepared.id()).status()).isEqualTo(MessageStatus.CONFIRMED);

    MessageView got = orders.get(prepared.id());
    assertThat(got.headers()).containsEntry("tenant", "eu");
    assertThat(got.deliveries()).hasSize(1);
    MessagePage page = orders.list(null, null, key, null, null, null, null, 10);
    assertThat(page.items()).extracting(MessageView::id).containsExactly(prepared.id());

    assertThat(
            cart.ack("cart.order-created", new MessageIdsRequest(List.of(prepared.id()))).items())
        .extracting(i -> i.outcome())
        .containsExactly(AckOutcome.ACKED);
    assertThat(orders.get(prepared.id()).status()).isEqualTo(MessageStatus.DELIVERED);

    MessageView sent = orders.send(PrepareMessageRequest.of("order.created", "plain string"));
    assertThat(sent.status()).isEqualTo(MessageStatus.CONFIRMED);
    Await.until(
        Duration.ofSeconds(10),
        "published",
        () -> orders.get(sent.id()).deliveries().get(0).status() == DeliveryStatus.PUBLISHED);
    assertThat(cart.nack("cart.order-created", new NackRequest(sent.id(), "boom", false)).status())
        .isEqualTo(DeliveryStatus.DEAD);

    var batch =
        orders.batchPrepare(
            new BatchPrepareRequest(
                List.of(
                    PrepareMessageRequest.of("order.created", 1),
                    PrepareMessageRequest.of("order.orphan", 2))));
    assertThat(batch.items().get(0).ok()).isTrue();
    assertThat(batch.items().get(1).code()).isEqualTo("no-subscription");
    UUID batched = batch.items().get(0).id();
    assertThat(
            orders
                .batchCancel(new MessageIdsRequest(List.of(batched)))
                .items()
                .get(0)
                .messageStatus())
        .isEqualTo(MessageStatus.CANCELLED);
    assertThat(
            orders
                .batchConfirm(new MessageIdsRequest(List.of(batched)))
                .items()
                .get(0)
                .httpStatus())
        .isEqualTo(409);
    assertThat(orders.stats().topics()).isNotEmpty();
  }

  @Test
  void problemAnswersBecomeExceptionsWithTheStableCode() {
    RmsClient orders = client("orders");
    MessageView prepared = orders.prepare(PrepareMessageRequest.of("order.created", 1));
    orders.cancel(prepared.id());
    assertThatThrownBy(() -> orders.confirm(prepared.id()))
        .isInstanceOfSatisfying(
            RmsApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.code()).isEqualTo(ErrorCode.ILLEGAL_TRANSITION);
            });
    assertThatThrownBy(() -> client("billing").get(prepared.id()))
        .isInstanceOfSatisfying(
            RmsApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> orders.prepare(PrepareMessageRequest.of("order.orphan", 1)))
        .isInstanceOfSatisfying(
            RmsApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_SUBSCRIPTION));
  }
}
