package io.rms.service.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.IntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Concurrent single calls share transactions (group commit) and each still gets exactly its own
 * answer: created vs repeated, confirmed vs cancelled, idempotency conflicts and unknown ids.
 */
class GroupCommitFlowTest extends IntegrationTest {
  private static final int CALLERS = 16;
  private static final int PER_CALLER = 15;

  @Autowired MeterRegistry meters;
  private final Map<UUID, String> expected = new ConcurrentHashMap<>();

  /** Unacked deliveries left behind would later time out under other tests' sweeps. */
  @AfterEach
  void removeTheMessages() {
    jdbc.update(
        "delete from message where id = any(?)", (Object) expected.keySet().toArray(UUID[]::new));
  }

  @Test
  void concurrentCallsShareTransactionsAndEachGetsItsOwnAnswer() throws Exception {
    Api orders = as("orders");
    String run = UUID.randomUUID().toString();
    ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
    List<Future<?>> callers = new ArrayList<>();
    for (int c = 0; c < CALLERS; c++) {
      int caller = c;
      callers.add(
          pool.submit(
              () -> {
                for (int i = 0; i < PER_CALLER; i++) {
                  String key = run + "-" + caller + "-" + i;
                  Map<String, Object> body =
                      Map.of(
                          "topic",
                          "order.created",
                          "producerMessageId",
                          key,
                          "payload",
                          Map.of("n", i));
                  Response created = orders.post("/api/v1/messages", body);
                  assertThat(created.status()).isEqualTo(201);
                  Response repeated = orders.post("/api/v1/messages", body);
                  assertThat(repeated.status()).isEqualTo(200);
                  assertThat(repeated.id()).isEqualTo(created.id());
                  Response conflict =
                      orders.prepare(
                          "order.created", "producerMessageId", key, "payload", Map.of("n", -1));
                  assertThat(conflict.status()).isEqualTo(409);
                  UUID id = created.id();
                  boolean commit = i % 3 != 0;
                  String verb = commit ? "/confirm" : "/cancel";
                  Response decided = orders.post("/api/v1/messages/" + id + verb);
                  assertThat(decided.status()).isEqualTo(200);
                  assertThat(orders.post("/api/v1/messages/" + id + verb).status()).isEqualTo(200);
                  assertThat(
                          orders
                              .post("/api/v1/messages/" + id + (commit ? "/cancel" : "/confirm"))
                              .status())
                      .isEqualTo(409);
                  assertThat(orders.post("/api/v1/messages/" + UUID.randomUUID() + verb).status())
                      .isEqualTo(404);
                  expected.put(id, commit ? "CONFIRMED" : "CANCELLED");
                }
                return null;
              }));
    }
    for (Future<?> caller : callers) {
      caller.get(3, TimeUnit.MINUTES);
    }
    pool.shutdown();

    assertThat(expected).hasSize(CALLERS * PER_CALLER);
    for (Map.Entry<UUID, String> e : expected.entrySet()) {
      String status =
          jdbc.queryForObject("select status from message where id = ?", String.class, e.getKey());
      if (e.getValue().equals("CONFIRMED")) {
        assertThat(status).as("message %s", e.getKey()).isIn("CONFIRMED", "DELIVERED");
        assertThat(
                jdbc.queryForObject(
                    "select count(*) from delivery where message_id = ?",
                    Integer.class,
                    e.getKey()))
            .isEqualTo(1);
      } else {
        assertThat(status).as("message %s", e.getKey()).isEqualTo("CANCELLED");
      }
    }
    Integer conflicts =
        jdbc.queryForObject(
            "select count(*) from message_event where type = 'CONFLICT' and message_id = any(?)",
            Integer.class,
            (Object) expected.keySet().toArray(UUID[]::new));
    assertThat(conflicts).isEqualTo(CALLERS * PER_CALLER);
    DistributionSummary shared = meters.get("rms.commit.calls").summary();
    assertThat(shared.max()).as("some transaction held more than one call").isGreaterThan(1);
  }
}
