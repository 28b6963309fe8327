package io.rms.service.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.rms.recovery.CheckBackSweep;
import io.rms.service.registry.App;
import io.rms.service.registry.AppRepository;
import io.rms.service.registry.Registry;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.ProducerStub;
import io.rms.service.testing.ProducerStub.Reply;
import io.rms.service.testing.Refusals;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A check-back answer counts only when the producer signed it with the app's check-back secret over
 * the message id, the decision and a fresh timestamp. Anything else is an ERROR (counted like
 * UNKNOWN) recorded in the CHECK_BACK event: the message stays PREPARED.
 */
class CheckBackAnswerRefusalTest extends IntegrationTest {
  static final String FORGED = "unsigned, forged or stale check-back answers";
  private static final Refusals refusals = new Refusals();
  private static final ProducerStub stub = new ProducerStub();

  @Autowired CheckBackSweep sweep;
  @Autowired AppRepository apps;
  @Autowired Registry registry;
  @Autowired CircuitBreakerRegistry breakers;

  @BeforeEach
  void pointShopAtTheStub() {
    App app = apps.findById("shop").orElseThrow();
    app.setCheckBackUrl(stub.url("/answers"));
    apps.save(app);
    registry.refresh();
    breakers.getAllCircuitBreakers().forEach(CircuitBreaker::reset);
    jdbc.update(
        "update message set next_check_at = now() + interval '1 day' where status = 'PREPARED'");
  }

  @AfterAll
  static void tally() {
    stub.close();
    refusals.report();
  }

  private static Reply commitWith(String timestamp, String signature) {
    return Reply.json(200, "{\"decision\":\"COMMIT\"}")
        .withHeaders(Map.of("X-RMS-Timestamp", timestamp, "X-RMS-Signature", signature));
  }

  private static String now() {
    return Long.toString(Instant.now().getEpochSecond());
  }

  @Test
  void answersNotSignedForThisMessageDecisionAndMomentCommitNothing() {
    String now = now();
    Map<String, Function<UUID, Reply>> answers = new LinkedHashMap<>();
    answers.put("COMMIT without a signature", id -> Reply.decision("COMMIT"));
    answers.put(
        "COMMIT signed with another secret",
        id -> commitWith(now, ProducerStub.answerSignature("other", now, id + "", "COMMIT")));
    answers.put(
        "COMMIT signed for another message",
        id ->
            commitWith(
                now(),
                ProducerStub.answerSignature(
                    "shop-check-back-secret-32-bytes-long",
                    now,
                    UUID.randomUUID() + "",
                    "COMMIT")));
    answers.put(
        "COMMIT carrying the signature of ROLLBACK",
        id ->
            commitWith(
                now,
                ProducerStub.answerSignature(
                    "shop-check-back-secret-32-bytes-long", now, id + "", "ROLLBACK")));
    String old = Long.toString(Instant.now().minus(Duration.ofMinutes(10)).getEpochSecond());
    answers.put(
        "COMMIT signed 10 minutes ago",
        id ->
            commitWith(
                old,
                ProducerStub.answerSignature(
                    "shop-check-back-secret-32-bytes-long", old, id + "", "COMMIT")));
    String ahead = Long.toString(Instant.now().plus(Duration.ofMinutes(10)).getEpochSecond());
    answers.put(
        "COMMIT signed 10 minutes ahead",
        id ->
            commitWith(
                ahead,
                ProducerStub.answerSignature(
                    "shop-check-back-secret-32-bytes-long", ahead, id + "", "COMMIT")));
    answers.put(
        "COMMIT with an unreadable timestamp",
        id ->
            commitWith(
                "yesterday",
                ProducerStub.answerSignature(
                    "shop-check-back-secret-32-bytes-long", "yesterday", id + "", "COMMIT")));
    answers.put(
        "COMMIT signed without the sha256= prefix",
        id ->
            commitWith(
                now(),
                ProducerStub.answerSignature(
                        "shop-check-back-secret-32-bytes-long", now, id + "", "COMMIT")
                    .substring("sha256=".length())));
    answers.put("COMMIT with the timestamp only", id -> commitWith(now, ""));
    for (Map.Entry<String, Function<UUID, Reply>> answer : answers.entrySet()) {
      breakers.getAllCircuitBreakers().forEach(CircuitBreaker::reset);
      // the previous message's retry may be due at once (full jitter): only this one is checked
      jdbc.update(
          "update message set next_check_at = now() + interval '1 day' where status = 'PREPARED'");
      UUID id = as("shop").prepare("order.created", "payload", Map.of()).id();
      stub.then("/answers", answer.getValue().apply(id));
      refusals.attempt(
          FORGED,
          answer.getKey(),
          () -> status(id),
          () -> {
            jdbc.update(
                "update message set next_check_at = now() - interval '1 second' where id = ?", id);
            sweep.run();
            List<Map<String, Object>> events =
                jdbc.queryForList(
                    "select detail->>'decision' as decision, detail->>'error' as error"
                        + " from message_event where message_id = ? and type = 'CHECK_BACK'",
                    id);
            assertThat(events).hasSize(1);
            assertThat(events.get(0).get("decision")).isEqualTo("ERROR");
            assertThat((String) events.get(0).get("error")).startsWith("answer ");
          });
    }
  }

  @Test
  void aCorrectlySignedAnswerCommits() {
    String now = now();
    UUID id = as("shop").prepare("order.created", "payload", Map.of()).id();
    stub.then(
        "/answers",
        commitWith(
            now,
            ProducerStub.answerSignature(
                "shop-check-back-secret-32-bytes-long", now, id + "", "COMMIT")));
    jdbc.update("update message set next_check_at = now() - interval '1 second' where id = ?", id);
    sweep.run();
    assertThat(status(id)).isIn("CONFIRMED", "DELIVERED");
  }

  private String status(UUID id) {
    return jdbc.queryForObject("select status from message where id = ?", String.class, id);
  }
}
