package io.rms.service.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.recovery.DeliveryKey;
import io.rms.service.testing.IntegrationTest;
import java.time.Duration;
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
 * The redelivery sweep's claim of due SCHEDULED deliveries beside a long pull backlog: it takes the
 * publishing subscriptions' due rows, oldest due first across subscriptions, and never reads the
 * backlog (the statement's row count does not grow with it).
 */
class DueLeasesTest extends IntegrationTest {
  private static final String TOPIC = "order.due-leases";
  private static final int BACKLOG = 3000;

  @Autowired DueLeases leases;
  @Autowired TransactionTemplate tx;

  @BeforeEach
  void aPullBacklogAndFourDueDeliveriesOnTwoPublishingSubscriptions() {
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
        insert into delivery (message_id, subscription, status, next_attempt_at)
        select id, 'cart.pulled', 'SCHEDULED', now() - interval '30 days' from m
        """,
        TOPIC,
        BACKLOG);
    // due long ago, interleaved: claims 40 days, delayed 39, claims 38, delayed 37 days ago
    String[] subscriptions = {"cart.claims", "cart.delayed", "cart.claims", "cart.delayed"};
    for (int i = 0; i < subscriptions.length; i++) {
      UUID id = UUID.randomUUID();
      jdbc.update(
          """
          insert into message (id, app_id, topic, status, content_type, payload, content_hash,
                               confirmed_at, pending_deliveries)
          values (?, 'orders', ?, 'CONFIRMED', 'application/json', '{}'::bytea, '\\x00'::bytea,
                  now(), 1)
          """,
          id,
          TOPIC);
      jdbc.update(
          """
          insert into delivery (message_id, subscription, status, next_attempt_at)
          values (?, ?, 'SCHEDULED', now() - (40 - ?) * interval '1 day')
          """,
          id,
          subscriptions[i],
          i);
    }
    jdbc.execute("analyze delivery");
  }

  @AfterEach
  void removeTheRows() {
    jdbc.update("delete from message where topic = ?", TOPIC);
  }

  @Test
  void theOldestDueOfThePublishingSubscriptionsComeFirstAndThePullBacklogIsLeftAlone() {
    List<DeliveryKey> claimed = leases.dueToPublish(3, Duration.ZERO);

    assertThat(claimed)
        .extracting(DeliveryKey::subscription)
        .containsExactly("cart.claims", "cart.delayed", "cart.claims");
    assertThat(mine(leases.dueToPublish(10_000, Duration.ZERO)))
        .as("all four publishing ones, none of the pull backlog")
        .hasSize(4)
        .allSatisfy(k -> assertThat(k.subscription()).isNotEqualTo("cart.pulled"));
  }

  @Test
  void theClaimReadsNoneOfThePullBacklog() {
    JsonNode plan =
        tx.execute(
            status -> {
              status.setRollbackOnly(); // the explained statement locks rows
              String json =
                  jdbc.queryForObject(
                      "explain (analyze, format json) " + DueLeases.DUE_TO_PUBLISH,
                      String.class,
                      100,
                      100);
              return JsonMapper.builder().build().readTree(json).get(0).get("Plan");
            });

    long read = rowsReadFrom(plan, "delivery");
    assertThat(read)
        .as("delivery rows the claim read beside a %d-row pull backlog: %s", BACKLOG, plan)
        .isLessThan(200);
  }

  private List<DeliveryKey> mine(List<DeliveryKey> keys) {
    List<UUID> ours =
        jdbc.queryForList(
            "select d.message_id from delivery d join message m on m.id = d.message_id"
                + " where m.topic = ?",
            UUID.class,
            TOPIC);
    return keys.stream().filter(k -> ours.contains(k.messageId())).toList();
  }

  /** Rows the plan's scans of {@code relation} read (returned or filtered out), over all loops. */
  static long rowsReadFrom(JsonNode node, String relation) {
    long rows = 0;
    if (relation.equals(node.path("Relation Name").asString(""))) {
      long perLoop =
          node.path("Actual Rows").asLong() + node.path("Rows Removed by Filter").asLong();
      rows += perLoop * Math.max(1, node.path("Actual Loops").asLong());
    }
    for (JsonNode child : node.path("Plans")) {
      rows += rowsReadFrom(child, relation);
    }
    return rows;
  }
}
