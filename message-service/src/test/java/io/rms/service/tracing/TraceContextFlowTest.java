package io.rms.service.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import io.rms.service.dashboard.DashboardUsersFixture;
import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.BrokerProbe;
import io.rms.service.testing.DashboardClient;
import io.rms.service.testing.IntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A prepare's W3C trace context is stored with the message, shown as its {@code traceId} and sent
 * as the AMQP headers {@code traceparent} and {@code tracestate}; a malformed one is ignored.
 */
class TraceContextFlowTest extends IntegrationTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";
  private static final String TRACESTATE = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";

  private static Map<String, Object> order() {
    return Map.of("topic", "order.created", "payload", Map.of("orderId", 42));
  }

  @Test
  void theTraceparentOfAPrepareTravelsWithTheMessageToTheBroker() throws Exception {
    Api orders = as("orders");
    try (BrokerProbe queue = queue("cart.order-created")) {
      queue.purge();
      Response prepared =
          orders.post(
              "/api/v1/messages",
              order(),
              Map.of("traceparent", TRACEPARENT, "tracestate", TRACESTATE));
      assertThat(prepared.status()).isEqualTo(201);
      assertThat(prepared.text("traceId")).isEqualTo(TRACE_ID);
      UUID id = prepared.id();

      assertThat(orders.post("/api/v1/messages/" + id + "/confirm").status()).isEqualTo(200);
      GetResponse received = queue.next(WAIT);
      assertThat(received).isNotNull();
      Map<String, Object> headers = received.getProps().getHeaders();
      // the service records no spans here (rms.tracing.enabled is off): the context goes on as is
      assertThat(headers.get("traceparent").toString()).isEqualTo(TRACEPARENT);
      assertThat(headers.get("tracestate").toString()).isEqualTo(TRACESTATE);
      assertThat(orders.get("/api/v1/messages/" + id).text("traceId")).isEqualTo(TRACE_ID);
      as("cart").ack("cart.order-created", id);
    }
  }

  @Test
  void aMalformedTraceparentIsIgnoredNotRefused() throws Exception {
    Api orders = as("orders");
    try (BrokerProbe queue = queue("cart.order-created")) {
      queue.purge();
      Response sent =
          orders.post(
              "/api/v1/messages/send",
              order(),
              Map.of("traceparent", "00-not-a-trace-01", "tracestate", TRACESTATE));
      assertThat(sent.status()).isEqualTo(201);
      assertThat(sent.body().has("traceId")).isTrue();
      assertThat(sent.text("traceId")).isNull();
      GetResponse received = queue.next(WAIT);
      assertThat(received.getProps().getHeaders())
          .doesNotContainKey("traceparent")
          .doesNotContainKey("tracestate");
      as("cart").ack("cart.order-created", sent.id());
    }
  }

  @Test
  void anOverlongTraceContextIsIgnoredNotRefused() {
    Map<String, Object> body = new java.util.HashMap<>(order());
    body.put("traceparent", TRACEPARENT + "-" + "a".repeat(300));
    body.put("tracestate", "a=" + "b".repeat(2000));
    Response prepared =
        as("orders")
            .post(
                "/api/v1/messages",
                body,
                Map.of("traceparent", "00-" + "f".repeat(200), "tracestate", "x".repeat(2000)));
    assertThat(prepared.status()).isEqualTo(201);
    assertThat(prepared.text("traceId")).isNull();
    as("orders").post("/api/v1/messages/" + prepared.id() + "/cancel");

    Map<String, Object> longState = new java.util.HashMap<>(order());
    longState.put("traceparent", TRACEPARENT);
    longState.put("tracestate", "a=" + "b".repeat(2000));
    Response kept = as("orders").post("/api/v1/messages", longState);
    assertThat(kept.status()).isEqualTo(201);
    assertThat(kept.text("traceId")).isEqualTo(TRACE_ID);
    assertThat(
            jdbc.queryForObject(
                "select tracestate from message where id = ?", String.class, kept.id()))
        .as("a tracestate over 512 characters is dropped, the traceparent kept")
        .isNull();
    as("orders").post("/api/v1/messages/" + kept.id() + "/cancel");
  }

  @Test
  void aBatchItemsOwnTraceparentWinsOverTheCallsHeader() {
    Api orders = as("orders");
    String own = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    Map<String, Object> withOwn = new java.util.HashMap<>(order());
    withOwn.put("traceparent", own);
    Response batch =
        orders.post(
            "/api/v1/messages/batch/prepare",
            Map.of("items", List.of(order(), withOwn)),
            Map.of("traceparent", TRACEPARENT));
    assertThat(batch.status()).isEqualTo(200);
    var items = batch.body().get("items");
    UUID first = UUID.fromString(items.get(0).get("id").asString());
    UUID second = UUID.fromString(items.get(1).get("id").asString());
    assertThat(orders.get("/api/v1/messages/" + first).text("traceId")).isEqualTo(TRACE_ID);
    assertThat(orders.get("/api/v1/messages/" + second).text("traceId"))
        .isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(
            jdbc.queryForObject(
                "select traceparent from message where id = ?", String.class, second))
        .isEqualTo(own);
    orders.post("/api/v1/messages/batch/cancel", Map.of("messageIds", List.of(first, second)));
  }

  @Test
  void theDashboardLinksAMessagesTraceIdToTheConfiguredViewer() {
    Response prepared =
        as("orders").post("/api/v1/messages", order(), Map.of("traceparent", TRACEPARENT));
    DashboardClient admin =
        DashboardClient.loggedIn(
            port, DashboardUsersFixture.ADMIN, DashboardUsersFixture.ADMIN_PASSWORD);
    String html = admin.get("/dashboard/messages/" + prepared.id()).body();
    assertThat(html)
        .contains("href=\"https://traces.example/trace/" + TRACE_ID + "\"")
        .contains(">" + TRACE_ID + "</a>");
    as("orders").post("/api/v1/messages/" + prepared.id() + "/cancel");
  }

  @Test
  void aMessagePreparedWithoutTraceContextHasANullTraceId() {
    Response prepared = as("orders").post("/api/v1/messages", order());
    assertThat(prepared.status()).isEqualTo(201);
    assertThat(prepared.body().has("traceId")).isTrue();
    assertThat(prepared.text("traceId")).isNull();
    as("orders").post("/api/v1/messages/" + prepared.id() + "/cancel");
  }
}
