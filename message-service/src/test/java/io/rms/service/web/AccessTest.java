package io.rms.service.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.IntegrationTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Authentication and the app boundary: an app sees and changes only what is its own. */
class AccessTest extends IntegrationTest {

  private UUID preparedByOrders() {
    return as("orders").prepare("order.created", "payload", Map.of("n", 1)).id();
  }

  @Test
  void callsWithoutOrWithAnUnknownKeyAreUnauthenticated() {
    for (Api api : List.of(new Api(port, null), new Api(port, "not-a-key"))) {
      Response r = api.get("/api/v1/messages");
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.contentType()).startsWith("application/problem+json");
      assertThat(r.code()).isEqualTo("unauthenticated");
    }
  }

  @Test
  void anotherAppsMessageAnswers404OnReadConfirmAndCancel() {
    UUID id = preparedByOrders();
    Api billing = as("billing");
    assertThat(billing.get("/api/v1/messages/" + id).status()).isEqualTo(404);
    assertThat(billing.post("/api/v1/messages/" + id + "/confirm").status()).isEqualTo(404);
    assertThat(billing.post("/api/v1/messages/" + id + "/cancel").code()).isEqualTo("not-found");
    Response batch =
        billing.post("/api/v1/messages/batch/confirm", Map.of("messageIds", List.of(id)));
    assertThat(batch.body().get("items").get(0).get("httpStatus").asInt()).isEqualTo(404);
    assertThat(billing.get("/api/v1/messages?limit=500").raw()).doesNotContain(id.toString());
    assertThat(as("orders").get("/api/v1/messages/" + id).text("status")).isEqualTo("PREPARED");
  }

  @Test
  void anAppAcksAndNacksOnlyItsOwnSubscriptions() {
    UUID id = as("orders").send("order.created", "payload", 1).id();
    Response ack = as("audit").ack("cart.order-created", id);
    assertThat(ack.status()).isEqualTo(403);
    assertThat(ack.code()).isEqualTo("forbidden");
    Response nack = as("orders").nack("cart.order-created", id, null, false);
    assertThat(nack.status()).isEqualTo(403);
    assertThat(
            jdbc.queryForObject(
                "select status from delivery where message_id = ?", String.class, id))
        .isIn("SCHEDULED", "PUBLISHED");
  }

  @Test
  void aTopicTheAppDoesNotProduceIsForbidden() {
    Response r = as("billing").prepare("order.fanout", "payload", 1);
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.code()).isEqualTo("forbidden");
  }

  @Test
  void adminCallsNeedTheOperatorRole() {
    Response r = as("orders").get("/api/v1/admin/events");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.code()).isEqualTo("forbidden");
  }

  @Test
  void everythingOutsideTheApiDocsAndHealthIsClosed() {
    assertThat(new Api(port, null).get("/v3/api-docs").status()).isEqualTo(200);
    assertThat(new Api(port, null).get("/v3/api-docs").raw()).contains("/api/v1/messages");
    assertThat(new Api(managementPort, null).get("/actuator/health").status()).isEqualTo(200);
    assertThat(new Api(port, null).get("/internal").status()).isIn(401, 403);
  }
}
