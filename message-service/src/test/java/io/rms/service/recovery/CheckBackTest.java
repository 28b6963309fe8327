package io.rms.service.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.rms.recovery.CheckBackSweep;
import io.rms.service.registry.App;
import io.rms.service.registry.AppRepository;
import io.rms.service.registry.Registry;
import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.BrokerProbe;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.ProducerStub;
import io.rms.service.testing.ProducerStub.Reply;
import io.rms.service.testing.TestInfra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Check-back of PREPARED messages against a real HTTP producer stub. */
class CheckBackTest extends IntegrationTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ProducerStub stub =
      new ProducerStub()
          .signing("/shop", "shop-check-back-secret-32-bytes-long")
          .signing("/slowshop", "slowshop-check-back-secret-32-bytes-long");

  @Autowired CheckBackSweep sweep;
  @Autowired AppRepository apps;
  @Autowired Registry registry;
  @Autowired CircuitBreakerRegistry breakers;
  @Autowired MeterRegistry meters;

  @BeforeEach
  void pointProducersAtTheStub() {
    checkBackUrl("shop", stub.url("/shop"));
    checkBackUrl("slowshop", stub.url("/slowshop"));
    breakers.getAllCircuitBreakers().forEach(CircuitBreaker::reset);
    // earlier tests' messages still PREPARED must not become due (jitter can make a retry due at
    // once) and take the scripted answers or count against a breaker: only due(...) makes work
    jdbc.update(
        "update message set next_check_at = now() + interval '1 day' where status = 'PREPARED'");
  }

  @AfterAll
  static void stopStub() {
    stub.close();
  }

  private void checkBackUrl(String appId, String url) {
    App app = apps.findById(appId).orElseThrow();
    app.setCheckBackUrl(url);
    apps.save(app);
    registry.refresh();
  }

  private UUID prepare(String app, String producerMessageId) {
    Response r =
        as(app)
            .prepare(
                "order.created",
                "payload",
                Map.of("orderId", 7),
                "producerMessageId",
                producerMessageId,
                "businessKey",
                "bk-" + producerMessageId);
    assertThat(r.status()).isEqualTo(201);
    return r.id();
  }

  /** Moves the message's next check into the past instead of waiting for it. */
  private void due(UUID... ids) {
    for (UUID id : ids) {
      jdbc.update(
          "update message set next_check_at = now() - interval '1 second' where id = ?", id);
    }
  }

  private String status(UUID id) {
    return jdbc.queryForObject("select status from message where id = ?", String.class, id);
  }

  private int checkCount(UUID id) {
    return jdbc.queryForObject("select check_count from message where id = ?", Integer.class, id);
  }

  private List<JsonNode> checkBackEvents(UUID id) {
    JsonNode events = as("ops").get("/api/v1/admin/events?type=CHECK_BACK&messageId=" + id).body();
    List<JsonNode> list = new ArrayList<>();
    events.get("items").forEach(list::add);
    java.util.Collections.reverse(list);
    return list;
  }

  @Test
  void producerThatNeverConfirmsButAnswersCommitGetsItsMessageDelivered() throws Exception {
    String key = "commit-" + UUID.randomUUID();
    UUID id = prepare("shop", key);
    stub.then("/shop", Reply.decision("COMMIT"));
    try (BrokerProbe queue = queue("cart.order-created")) {
      queue.purge();
      due(id);
      sweep.run();

      assertThat(status(id)).isIn("CONFIRMED", "DELIVERED");
      GetResponse received = queue.next(WAIT);
      assertThat(received).isNotNull();
      assertThat(received.getProps().getMessageId()).isEqualTo(id.toString());
      as("cart").ack("cart.order-created", id);
      assertThat(status(id)).isEqualTo("DELIVERED");
    }
    assertThat(checkCount(id)).isEqualTo(1);
    List<JsonNode> events = checkBackEvents(id);
    assertThat(events).hasSize(1);
    assertThat(events.get(0).get("actor").asString()).isEqualTo("system");
    assertThat(events.get(0).get("detail").get("decision").asString()).isEqualTo("COMMIT");

    List<ProducerStub.Call> shopCalls = stub.calls("/shop");
    ProducerStub.Call call = shopCalls.get(shopCalls.size() - 1);
    JsonNode body = Api.JSON.readTree(call.text());
    assertThat(body.get("messageId").asString()).isEqualTo(id.toString());
    assertThat(body.get("producerMessageId").asString()).isEqualTo(key);
    assertThat(body.get("topic").asString()).isEqualTo("order.created");
    assertThat(body.get("businessKey").asString()).isEqualTo("bk-" + key);
    assertThat(Instant.parse(body.get("preparedAt").asString())).isBefore(Instant.now());
    assertThat(body.get("checkCount").asInt()).isEqualTo(1);
    assertThat(Long.parseLong(call.timestamp()))
        .isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));
    assertThat(call.signature())
        .isEqualTo(hmac("shop-check-back-secret-32-bytes-long", call.timestamp(), call.body()));
    assertThat(call.signature()).isNotEqualTo(hmac("other-secret", call.timestamp(), call.body()));
    assertThat(
            meters
                .get("rms.checkback.outcomes")
                .tag("app", "shop")
                .tag("decision", "COMMIT")
                .counter()
                .count())
        .isPositive();
  }

  @Test
  void rollbackAnswerCancelsTheMessageAndNothingIsPublished() {
    UUID id = prepare("shop", "rollback-" + UUID.randomUUID());
    stub.then("/shop", Reply.decision("ROLLBACK"));
    try (BrokerProbe queue = queue("cart.order-created")) {
      queue.purge();
      due(id);
      sweep.run();

      assertThat(status(id)).isEqualTo("CANCELLED");
      assertThat(queue.next(Duration.ofMillis(500))).isNull();
    }
    assertThat(
            jdbc.queryForObject(
                "select count(*) from delivery where message_id = ?", Integer.class, id))
        .isZero();
    assertThat(checkBackEvents(id).get(0).get("detail").get("decision").asString())
        .isEqualTo("ROLLBACK");
  }

  @Test
  void unknownTwiceThenCommitChecksAgainAfterBackoffAndConfirms() {
    UUID id = prepare("shop", "unknown-" + UUID.randomUUID());
    stub.then(
        "/shop", Reply.decision("UNKNOWN"), Reply.decision("UNKNOWN"), Reply.decision("COMMIT"));
    for (int check = 1; check <= 2; check++) {
      due(id);
      sweep.run();
      assertThat(status(id)).isEqualTo("PREPARED");
      assertThat(checkCount(id)).isEqualTo(check);
      assertThat(
              jdbc.queryForObject(
                  "select next_check_at >= now() from message where id = ?", Boolean.class, id))
          .as("the next check waits for the backoff")
          .isTrue();
    }
    due(id);
    sweep.run();
    assertThat(status(id)).isIn("CONFIRMED", "DELIVERED");
    assertThat(checkCount(id)).isEqualTo(3);
    assertThat(checkBackEvents(id))
        .extracting(e -> e.get("detail").get("decision").asString())
        .containsExactly("UNKNOWN", "UNKNOWN", "COMMIT");
  }

  @Test
  void alwaysUnknownParksTheMessageInDoubtAfterMaxChecksThenOperatorCommitDeliversIt() {
    UUID id = prepare("shop", "doubt-" + UUID.randomUUID());
    stub.then(
        "/shop",
        Reply.decision("UNKNOWN"),
        Reply.decision("UNKNOWN"),
        Reply.decision("UNKNOWN"),
        Reply.decision("UNKNOWN"));
    for (int check = 1; check <= 4; check++) {
      due(id);
      sweep.run();
    }
    assertThat(status(id)).isEqualTo("IN_DOUBT");
    assertThat(checkCount(id)).isEqualTo(4);
    int callsBefore = stub.calls("/shop").size();
    due(id);
    sweep.run();
    assertThat(stub.calls("/shop")).as("IN_DOUBT is not checked again").hasSize(callsBefore);

    try (BrokerProbe queue = queue("cart.order-created")) {
      queue.purge();
      Response resolved =
          as("ops").post("/api/v1/admin/messages/" + id + "/resolve", Map.of("decision", "COMMIT"));
      assertThat(resolved.status()).isEqualTo(200);
      assertThat(resolved.text("status")).isEqualTo("CONFIRMED");
      GetResponse received = queue.next(WAIT);
      assertThat(received).isNotNull();
      assertThat(received.getProps().getMessageId()).isEqualTo(id.toString());
    }
    as("cart").ack("cart.order-created", id);
    assertThat(status(id)).isEqualTo("DELIVERED");
    JsonNode events = as("ops").get("/api/v1/admin/events?messageId=" + id).body().get("items");
    assertThat(events.get(0).get("type").asString()).isEqualTo("RESOLVE");
    assertThat(events.get(0).get("actor").asString()).isEqualTo("operator:ops");
    assertThat(events.get(0).get("detail").get("from").asString()).isEqualTo("IN_DOUBT");
    assertThat(events.get(0).get("detail").get("result").asString()).isEqualTo("applied");
    assertThat(events.get(1).get("type").asString()).isEqualTo("IN_DOUBT");

    Response again =
        as("ops").post("/api/v1/admin/messages/" + id + "/resolve", Map.of("decision", "ROLLBACK"));
    assertThat(again.status()).isEqualTo(409);
    assertThat(
            as("shop")
                .post("/api/v1/admin/messages/" + id + "/resolve", Map.of("decision", "COMMIT"))
                .status())
        .as("only operators resolve")
        .isEqualTo(403);
  }

  @Test
  void oversizedGarbageNon200AndRedirectAnswersCountAsUnknown() {
    String big = "{\"decision\":\"COMMIT\",\"pad\":\"" + "x".repeat(10_000) + "\"}";
    List<Reply> bad =
        List.of(
            Reply.json(200, big),
            Reply.json(200, "COMMIT, probably"),
            Reply.json(500, "{\"decision\":\"COMMIT\"}"),
            Reply.json(200, "{\"decision\":\"MAYBE\"}"),
            new Reply(
                302,
                new byte[0],
                Map.of("Location", stub.url("/commit-elsewhere")),
                Duration.ZERO));
    stub.always("/commit-elsewhere", Reply.decision("COMMIT"));
    for (Reply reply : bad) {
      UUID id = prepare("shop", "bad-" + UUID.randomUUID());
      stub.then("/shop", reply);
      due(id);
      sweep.run();
      assertThat(status(id))
          .as(
              reply.status()
                  + " "
                  + new String(reply.body(), StandardCharsets.UTF_8)
                      .substring(0, Math.min(30, reply.body().length)))
          .isEqualTo("PREPARED");
      assertThat(checkCount(id)).isEqualTo(1);
      JsonNode event = checkBackEvents(id).get(0);
      assertThat(event.get("detail").get("decision").asString()).isEqualTo("ERROR");
      assertThat(event.get("detail").get("error").asString()).isNotBlank();
    }
    assertThat(stub.calls("/commit-elsewhere")).as("redirects are not followed").isEmpty();
  }

  @Test
  void slowProducerOpensItsOwnCircuitWhileAnotherAppsChecksProceed() {
    // earlier tests' PREPARED leftovers (retried after a jittered backoff) must not take the
    // one COMMIT queued for /shop below
    jdbc.update(
        "update message set next_check_at = now() + interval '1 hour' where status = 'PREPARED'");
    stub.always("/slowshop", Reply.decision("COMMIT").after(Duration.ofMillis(2500)));
    List<UUID> slow = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      slow.add(prepare("slowshop", "slow-" + UUID.randomUUID()));
    }
    UUID fast = prepare("shop", "fast-" + UUID.randomUUID());
    stub.then("/shop", Reply.decision("COMMIT"));

    due(slow.toArray(UUID[]::new));
    due(fast);
    long start = System.nanoTime();
    sweep.run();
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(status(fast))
        .as("the healthy app's check went through")
        .isIn("CONFIRMED", "DELIVERED");
    // 6 slow messages in 4 lanes: two lanes ask twice, each call cut at the 1 s read timeout
    assertThat(took).as("no call waited for the slow answer").isLessThan(Duration.ofMillis(4000));
    assertThat(slow).allSatisfy(id -> assertThat(status(id)).isEqualTo("PREPARED"));
    int timedOut = slow.stream().mapToInt(this::checkCount).sum();
    assertThat(timedOut).as("every claimed message was asked in the run").isEqualTo(6);

    for (int round = 0;
        round < 3 && breakers.circuitBreaker("slowshop").getState() != CircuitBreaker.State.OPEN;
        round++) {
      due(slow.toArray(UUID[]::new));
      sweep.run();
    }
    assertThat(breakers.circuitBreaker("slowshop").getState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breakers.circuitBreaker("shop").getState()).isEqualTo(CircuitBreaker.State.CLOSED);

    int callsWhileOpen = stub.calls("/slowshop").size();
    UUID another = prepare("shop", "fast-" + UUID.randomUUID());
    stub.then("/shop", Reply.decision("ROLLBACK"));
    due(slow.toArray(UUID[]::new));
    due(another);
    start = System.nanoTime();
    sweep.run();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(900));
    assertThat(stub.calls("/slowshop")).as("an open circuit calls nobody").hasSize(callsWhileOpen);
    assertThat(status(another)).isEqualTo("CANCELLED");
    List<JsonNode> slowEvents = checkBackEvents(slow.get(0));
    assertThat(slowEvents.get(slowEvents.size() - 1).get("detail").get("error").asString())
        .isEqualTo("circuit open");
  }

  @Test
  void producerThatIsDownCountsAsUnknownAndIsAskedAgainLater() {
    checkBackUrl("shop", "http://127.0.0.1:" + TestInfra.freePort() + "/rms/check-back");
    UUID id = prepare("shop", "down-" + UUID.randomUUID());
    due(id);
    sweep.run();
    assertThat(status(id)).isEqualTo("PREPARED");
    assertThat(checkCount(id)).isEqualTo(1);
    assertThat(
            jdbc.queryForObject(
                "select next_check_at > now() from message where id = ?", Boolean.class, id))
        .isTrue();
    JsonNode event = checkBackEvents(id).get(0);
    assertThat(event.get("detail").get("decision").asString()).isEqualTo("ERROR");
    assertThat(event.get("detail").get("error").asString()).containsIgnoringCase("connect");
  }

  @Test
  void aUrlOutsideTheAllowlistOrWithoutSecretIsNeverCalled() {
    checkBackUrl("shop", "ftp://127.0.0.1/x");
    UUID id = prepare("shop", "ftp-" + UUID.randomUUID());
    int before = stub.calls().size();
    due(id);
    sweep.run();
    assertThat(stub.calls()).hasSize(before);
    assertThat(checkBackEvents(id).get(0).get("detail").get("error").asString())
        .contains("http or https");
  }

  static String hmac(String secret, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] signed = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
      byte[] all = new byte[signed.length + body.length];
      System.arraycopy(signed, 0, all, 0, signed.length);
      System.arraycopy(body, 0, all, signed.length, body.length);
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(all));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
