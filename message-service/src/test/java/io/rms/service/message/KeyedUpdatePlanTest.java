package io.rms.service.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.testing.IntegrationTest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ack and the PUBLISHED booking read one delivery row per id, whatever the statistics say: here
 * the subscription got its whole backlog after the table was last analyzed (as a subscription that
 * was idle, then busy), which made a statement filtering on the subscription read all of its open
 * deliveries per call.
 */
class KeyedUpdatePlanTest extends IntegrationTest {
  private static final String TOPIC = "order.ack-plan";
  private static final int BACKLOG = 3000;

  @Autowired TransactionTemplate tx;

  @BeforeEach
  void anotherSubscriptionAnalyzedThenABacklogOnTheAckedOne() {
    backlog("cart.ack-plan-other");
    jdbc.execute("analyze delivery");
    backlog("cart.ack-plan");
  }

  @Test
  void aBookingOfTenReadsTenDeliveriesBesideTheBacklog() {
    jdbc.update(
        "update delivery set status = 'SCHEDULED', attempts = 0 where subscription ="
            + " 'cart.ack-plan'");
    UUID[] ten =
        jdbc.queryForList(
                "select message_id from delivery where subscription = 'cart.ack-plan' limit 10",
                UUID.class)
            .toArray(UUID[]::new);
    String[] subscriptions = new String[10];
    java.util.Arrays.fill(subscriptions, "cart.ack-plan");
    int[] attempts = new int[10];
    java.util.Arrays.fill(attempts, 1);
    long[] timeouts = new long[10];
    java.util.Arrays.fill(timeouts, 30_000);
    JsonNode plan =
        tx.execute(
            status -> {
              status.setRollbackOnly(); // the explained statement books
              String json =
                  jdbc.queryForObject(
                      "explain (analyze, format json) " + DeliveryStore.MARK_PUBLISHED,
                      String.class,
                      ten,
                      subscriptions,
                      attempts,
                      timeouts,
                      DeliveryLifecycle.guard(
                          io.rms.api.DeliveryStatus.PUBLISHED,
                          io.rms.api.DeliveryStatus.SCHEDULED));
              assertThat(
                      jdbc.queryForObject(
                          "select count(*) from delivery where message_id = any(?)"
                              + " and status = 'PUBLISHED' and attempts = 1",
                          Long.class,
                          (Object) ten))
                  .as("booked rows")
                  .isEqualTo(10);
              return JsonMapper.builder().build().readTree(json).get(0).get("Plan");
            });

    long read = DueLeasesTest.rowsReadFrom(plan, "delivery");
    assertThat(read)
        .as("delivery rows a booking of 10 read beside a %d-row backlog: %s", BACKLOG, plan)
        .isLessThan(100);
  }

  private void backlog(String subscription) {
    jdbc.update(
        """
        with m as (
          insert into message (id, app_id, topic, status, content_type, payload, content_hash,
                               confirmed_at, pending_deliveries)
          select gen_random_uuid(), 'orders', ?, 'CONFIRMED', 'application/json', '{}'::bytea,
                 '\\x00'::bytea, now(), 1
            from generate_series(1, ?)
          returning id
        )
        insert into delivery (message_id, subscription, status, attempts, next_attempt_at)
        select id, ?, 'PUBLISHED', 1, now() + interval '1 hour' from m
        """,
        TOPIC,
        BACKLOG,
        subscription);
  }

  @AfterEach
  void removeTheRows() {
    jdbc.update("delete from message where topic = ?", TOPIC);
    jdbc.execute("analyze delivery");
  }

  @Test
  void anAckOfTenReadsTenDeliveriesBesideTheBacklog() {
    UUID[] ten =
        jdbc.queryForList(
                "select message_id from delivery where subscription = 'cart.ack-plan' limit 10",
                UUID.class)
            .toArray(UUID[]::new);
    JsonNode plan =
        tx.execute(
            status -> {
              status.setRollbackOnly(); // the explained statement acks
              String json =
                  jdbc.queryForObject(
                      "explain (analyze, format json) " + DeliveryStore.MARK_ACKED,
                      String.class,
                      ten,
                      "cart.ack-plan",
                      "cart.ack-plan",
                      DeliveryLifecycle.sourceNames(io.rms.api.DeliveryStatus.ACKED));
              return JsonMapper.builder().build().readTree(json).get(0).get("Plan");
            });

    assertThat(plan.path("Actual Rows").asLong()).as("acked rows").isEqualTo(10);
    long read = DueLeasesTest.rowsReadFrom(plan, "delivery");
    assertThat(read)
        .as("delivery rows an ack of 10 read beside a %d-row backlog: %s", BACKLOG, plan)
        .isLessThan(100); // 10 locked, 10 updated, 10 written
  }

  @Test
  void duplicateIdsAreAckedOnce() {
    List<UUID> one =
        jdbc.queryForList(
            "select message_id from delivery where subscription = 'cart.ack-plan' limit 1",
            UUID.class);
    List<UUID> acked =
        tx.execute(
            status ->
                jdbc.query(
                    DeliveryStore.MARK_ACKED,
                    (rs, i) -> rs.getObject(1, UUID.class),
                    new UUID[] {one.get(0), one.get(0)},
                    "cart.ack-plan",
                    "cart.ack-plan",
                    DeliveryLifecycle.sourceNames(io.rms.api.DeliveryStatus.ACKED)));
    assertThat(acked).containsExactly(one.get(0));
  }
}
