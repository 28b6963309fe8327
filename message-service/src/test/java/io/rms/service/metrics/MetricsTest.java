package io.rms.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.Await;
import io.rms.service.testing.BrokerProbe;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.PrometheusScrape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * After a scripted lifecycle (three messages delivered, one left PREPARED, one nacked to DEAD) the
 * unauthenticated {@code /actuator/prometheus} shows the documented series with values that match
 * the database.
 */
class MetricsTest extends IntegrationTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String SUB = "cart.order-created";

  @Autowired BacklogMetrics backlog;

  private PrometheusScrape scrape() {
    Response r = new Api(managementPort, null).get("/actuator/prometheus");
    assertThat(r.status()).as("prometheus endpoint open without credentials").isEqualTo(200);
    return PrometheusScrape.parse(r.raw());
  }

  private UUID prepare(Api orders) {
    Response r = orders.prepare("order.created", "payload", Map.of("n", 1));
    assertThat(r.status()).isEqualTo(201);
    return r.id();
  }

  private void confirmAndAwaitPublished(Api orders, UUID id) {
    assertThat(orders.post("/api/v1/messages/" + id + "/confirm").status()).isEqualTo(200);
    Await.until(
        WAIT,
        "delivery of " + id + " PUBLISHED",
        () ->
            "PUBLISHED"
                .equals(
                    jdbc.queryForObject(
                        "select status from delivery where message_id = ? and subscription = ?",
                        String.class,
                        id,
                        SUB)));
  }

  private long count(String sql, Object... args) {
    return jdbc.queryForObject(sql, Long.class, args);
  }

  @Test
  void prometheusOutputReflectsAScriptedLifecycle() {
    Api orders = as("orders");
    Api cart = as("cart");
    PrometheusScrape before = scrape();
    Map<String, String> ack = Map.of("outcome", "ack");
    Map<String, String> sub = Map.of("subscription", SUB);

    try (BrokerProbe queue = queue(SUB)) {
      List<UUID> delivered = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        UUID id = prepare(orders);
        confirmAndAwaitPublished(orders, id);
        delivered.add(id);
      }
      Response acked =
          cart.post("/api/v1/subscriptions/" + SUB + "/acks", Map.of("messageIds", delivered));
      assertThat(acked.status()).isEqualTo(200);

      UUID prepared = prepare(orders);

      UUID dead = prepare(orders);
      confirmAndAwaitPublished(orders, dead);
      Response nack =
          cart.post(
              "/api/v1/subscriptions/" + SUB + "/nacks",
              Map.of("messageId", dead, "reason", "poison", "retry", false));
      assertThat(nack.text("status")).isEqualTo("DEAD");
      queue.purge();

      double preparedAgeBefore =
          jdbc.queryForObject(
              "select extract(epoch from now() - created_at)::float8 from message where id = ?",
              Double.class,
              prepared);
      backlog.refresh();
      PrometheusScrape after = scrape();

      // latency timers: counted per observation since the first scrape
      assertThat(
              after.valueOrZero("rms_publish_confirm_latency_seconds_count", ack)
                  - before.valueOrZero("rms_publish_confirm_latency_seconds_count", ack))
          .as("four publishes confirmed")
          .isGreaterThanOrEqualTo(4);
      assertThat(
              after.valueOrZero("rms_delivery_e2e_latency_seconds_count", sub)
                  - before.valueOrZero("rms_delivery_e2e_latency_seconds_count", sub))
          .as("three deliveries acked")
          .isEqualTo(3);
      assertThat(
              after.valueOrZero(
                      "rms_delivery_e2e_latency_seconds_bucket",
                      Map.of("subscription", SUB, "le", "+Inf"))
                  - before.valueOrZero(
                      "rms_delivery_e2e_latency_seconds_bucket",
                      Map.of("subscription", SUB, "le", "+Inf")))
          .isEqualTo(3);
      assertThat(after.value("rms_delivery_e2e_latency_seconds_sum", sub)).isPresent();
      assertThat(
              after.value(
                  "rms_publish_confirm_latency_seconds_bucket",
                  Map.of("outcome", "ack", "le", "0.01")))
          .as("fixed histogram buckets for the ack outcome")
          .isPresent();
      for (String outcome : List.of("nack", "returned", "no_confirm")) {
        assertThat(
                after.value(
                    "rms_publish_confirm_latency_seconds_count", Map.of("outcome", outcome)))
            .as("every confirm outcome is exported from the start")
            .isPresent();
      }

      // backlog gauges equal the database at the refresh (nothing else runs in between)
      for (String status : List.of("PREPARED", "CONFIRMED", "IN_DOUBT")) {
        assertThat(after.value("rms_messages", Map.of("status", status)))
            .as("rms_messages{status=%s}", status)
            .hasValue(count("select count(*) from message where status = ?", status));
      }
      assertThat(after.value("rms_messages", Map.of("status", "PREPARED")).getAsDouble())
          .isGreaterThanOrEqualTo(1);
      assertThat(after.value("rms_messages", Map.of("status", "DELIVERED")))
          .as("final states grow until retention and are not counted")
          .isEmpty();
      assertThat(after.value("rms_deliveries", Map.of("subscription", SUB, "status", "ACKED")))
          .isEmpty();
      for (String status : List.of("SCHEDULED", "PUBLISHED", "DEAD")) {
        assertThat(after.value("rms_deliveries", Map.of("subscription", SUB, "status", status)))
            .as("rms_deliveries{status=%s}", status)
            .hasValue(
                count(
                    "select count(*) from delivery where subscription = ? and status = ?",
                    SUB,
                    status));
      }
      double deadCount =
          count("select count(*) from delivery where status = 'DEAD' and subscription = ?", SUB);
      assertThat(deadCount).isGreaterThanOrEqualTo(1);
      assertThat(after.value("rms_deliveries_dead", sub)).hasValue(deadCount);
      assertThat(
              after.value(
                  "rms_deliveries", Map.of("subscription", "audit.fanout", "status", "DEAD")))
          .as("every subscription reports every status")
          .isPresent();

      double oldestPrepared =
          jdbc.queryForObject(
              "select extract(epoch from now() - min(created_at))::float8 from message"
                  + " where status = 'PREPARED'",
              Double.class);
      assertThat(after.value("rms_messages_oldest_prepared_age_seconds", Map.of()).getAsDouble())
          .isGreaterThanOrEqualTo(preparedAgeBefore)
          .isLessThanOrEqualTo(oldestPrepared);

      assertThat(after.value("rms_deliveries_oldest_unacked_age_seconds", sub)).isPresent();
      assertThat(
              after
                  .value(
                      "rms_deliveries_oldest_unacked_age_seconds",
                      Map.of("subscription", "cart.delayed"))
                  .getAsDouble())
          .isCloseTo(0, within(0.001));
    }
  }
}
