package io.rms.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.PrometheusScrape;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * {@code rms_ordering_keys_waiting_too_long{subscription}} counts the ordering keys whose next
 * message has been WAITING longer than {@code rms.metrics.waiting-key-threshold} (5 minutes here):
 * a key that just started waiting is not counted, the same key is once its delivery is older (time
 * moved in the database), and it is no longer once the key moves on.
 */
class WaitingKeysMetricTest extends IntegrationTest {
  private static final String SUB = "cart.stale";
  private static final String TOPIC = "order.stale";
  private static final Map<String, String> LABELS = Map.of("subscription", SUB);

  @Autowired BacklogMetrics backlog;

  private double waitingTooLong() {
    backlog.refresh();
    Response r = new Api(managementPort, null).get("/actuator/prometheus");
    assertThat(r.status()).isEqualTo(200);
    return PrometheusScrape.parse(r.raw())
        .value("rms_ordering_keys_waiting_too_long", LABELS)
        .orElseThrow(() -> new AssertionError("no rms_ordering_keys_waiting_too_long for " + SUB));
  }

  @Test
  void aKeyCountsOnceItsNextMessageWaitedLongerThanTheThreshold() {
    Api orders = as("orders");
    String key = UUID.randomUUID().toString();
    UUID head = orders.prepare(TOPIC, "orderingKey", key, "payload", "{}").id();
    UUID second = orders.send(TOPIC, "orderingKey", key, "payload", "{}").id();
    UUID third = orders.send(TOPIC, "orderingKey", key, "payload", "{}").id();
    double before = waitingTooLong();

    jdbc.update(
        """
        update delivery set created_at = created_at - interval '6 minutes'
         where message_id = any(?) and subscription = ?
        """,
        new UUID[] {second, third},
        SUB);
    assertThat(waitingTooLong())
        .as("one key, however many of its messages wait")
        .isEqualTo(before + 1);

    assertThat(orders.post("/api/v1/messages/" + head + "/cancel").status()).isEqualTo(200);
    jdbc.update(
        "update delivery set created_at = now() where message_id = ? and subscription = ?",
        third,
        SUB);
    assertThat(waitingTooLong()).as("the key moved on").isEqualTo(before);
    as("cart").ack(SUB, second);
    as("cart").ack(SUB, third);
  }
}
