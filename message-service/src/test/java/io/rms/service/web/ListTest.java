package io.rms.service.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.testing.Api;
import io.rms.service.testing.IntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Keyset pagination and filters of the message list. */
class ListTest extends IntegrationTest {

  @Test
  void pagesWalkEveryMatchingMessageNewestFirstWithoutRepeats() {
    Api orders = as("orders");
    String key = "bk-" + UUID.randomUUID();
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      created.add(
          orders.prepare("order.created", "payload", i, "businessKey", key).id().toString());
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonNode page =
          orders
              .get(
                  "/api/v1/messages?businessKey="
                      + key
                      + "&limit=3"
                      + (cursor == null ? "" : "&cursor=" + cursor))
              .body();
      page.get("items").forEach(m -> seen.add(m.get("id").asString()));
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
      pages++;
    } while (cursor != null);
    assertThat(pages).isEqualTo(3);
    java.util.Collections.reverse(created);
    assertThat(seen).containsExactlyElementsOf(created);
  }

  @Test
  void filtersCombine() {
    Api orders = as("orders");
    String key = "f-" + UUID.randomUUID();
    UUID prepared = orders.prepare("order.created", "payload", 1, "businessKey", key).id();
    UUID sent =
        orders
            .send("order.fanout", "payload", 2, "businessKey", key, "producerMessageId", key)
            .id();
    assertThat(ids(orders, "businessKey=" + key + "&status=PREPARED"))
        .containsExactly(prepared.toString());
    assertThat(ids(orders, "businessKey=" + key + "&topic=order.fanout"))
        .containsExactly(sent.toString());
    assertThat(ids(orders, "producerMessageId=" + key)).containsExactly(sent.toString());
    assertThat(ids(orders, "businessKey=" + key + "&createdFrom=2000-01-01T00:00:00Z")).hasSize(2);
    assertThat(ids(orders, "businessKey=" + key + "&createdTo=2000-01-01T00:00:00Z")).isEmpty();
    assertThat(ids(as("billing"), "businessKey=" + key)).isEmpty();
  }

  @Test
  void statsCountTheAppsTopicsAndSubscriptions() {
    Api orders = as("orders");
    orders.prepare("order.created", "payload", 1);
    JsonNode stats = orders.get("/api/v1/stats").body();
    assertThat(stats.get("topics").findValuesAsString("topic")).contains("order.created");
    assertThat(stats.get("oldestPreparedAgeSeconds").asDouble()).isGreaterThanOrEqualTo(0.0);
    JsonNode cart = as("cart").get("/api/v1/stats").body();
    assertThat(cart.get("subscriptions").findValuesAsString("subscription"))
        .contains("cart.order-created", "cart.fanout");
  }

  private static List<String> ids(Api api, String query) {
    List<String> ids = new ArrayList<>();
    api.get("/api/v1/messages?" + query)
        .body()
        .get("items")
        .forEach(m -> ids.add(m.get("id").asString()));
    return ids;
  }
}
