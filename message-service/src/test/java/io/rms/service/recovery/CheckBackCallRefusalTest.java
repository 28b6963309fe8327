package io.rms.service.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.rms.recovery.CheckAnswer;
import io.rms.recovery.CheckBackSweep;
import io.rms.recovery.PreparedMessage;
import io.rms.service.config.RmsProperties;
import io.rms.service.registry.App;
import io.rms.service.registry.AppRepository;
import io.rms.service.registry.CheckBackTargets;
import io.rms.service.registry.Registry;
import io.rms.service.testing.FixedDns;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.ProducerStub;
import io.rms.service.testing.ProducerStub.Reply;
import io.rms.service.testing.Refusals;
import io.rms.service.tracing.MessageSpans;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.json.JsonMapper;

/**
 * Check-back calls go only to the app's registered URL and only to addresses that pass the rules at
 * call time: redirects to another host are not followed, URLs carried by a message are never used,
 * a stored URL outside the allowlist or at a metadata address is not called, and a host whose DNS
 * answer changed to a blocked address after registration (DNS rebinding) is not called. Local HTTP
 * stubs on 127.0.0.1, 127.0.0.2 and 127.0.0.3 show that no request arrived. The refusal is recorded
 * as an ERROR check-back (it counts like UNKNOWN); the message stays PREPARED.
 */
class CheckBackCallRefusalTest extends IntegrationTest {
  static final String CALLS = "check-back calls to refused targets";

  private static final Refusals refusals = new Refusals();
  private static final ProducerStub registered =
      new ProducerStub("127.0.0.1")
          .signing("/shop", "shop-check-back-secret-32-bytes-long")
          .signing("/pinned", "shop-check-back-secret-32-bytes-long");
  private static final ProducerStub otherHost =
      new ProducerStub("127.0.0.2").signing("/commit", "shop-check-back-secret-32-bytes-long");
  private static final ProducerStub unlisted =
      new ProducerStub("127.0.0.3").signing("/shop", "shop-check-back-secret-32-bytes-long");

  @Autowired CheckBackSweep sweep;
  @Autowired AppRepository apps;
  @Autowired Registry registry;
  @Autowired CircuitBreakerRegistry breakers;
  @Autowired JsonMapper json;
  @Autowired Clock clock;
  @Autowired RmsProperties properties;
  @Autowired MessageSpans spans;

  @AfterAll
  static void tally() {
    refusals.report();
    registered.close();
    otherHost.close();
    unlisted.close();
  }

  @BeforeEach
  void nothingElseBecomesDue() {
    breakers.getAllCircuitBreakers().forEach(CircuitBreaker::reset);
    jdbc.update(
        "update message set next_check_at = now() + interval '1 day' where status = 'PREPARED'");
    otherHost.always("/commit", Reply.decision("COMMIT"));
    unlisted.always("/shop", Reply.decision("COMMIT"));
    registered.always("/shop", Reply.decision("UNKNOWN"));
  }

  private void checkBackUrl(String url) {
    App app = apps.findById("shop").orElseThrow();
    app.setCheckBackUrl(url);
    apps.save(app);
    registry.refresh();
  }

  private UUID prepared(Map<String, Object> extra) {
    Map<String, Object> request = new java.util.HashMap<>(extra);
    request.put("topic", "order.created");
    request.putIfAbsent("payload", Map.of("n", 1));
    return as("shop").post("/api/v1/messages", request).id();
  }

  private void checkBack(UUID id) {
    jdbc.update("update message set next_check_at = now() - interval '1 second' where id = ?", id);
    sweep.run();
  }

  private String lastError(UUID id) {
    return jdbc.queryForObject(
        "select detail->>'error' from message_event where message_id = ? and type = 'CHECK_BACK'"
            + " order by id desc limit 1",
        String.class,
        id);
  }

  /** What a refused call leaves alone: what the stubs received, and the message's status. */
  private Supplier<Object> calls(UUID id) {
    return () ->
        List.of(
            registered.calls().size(),
            otherHost.calls().size(),
            unlisted.calls().size(),
            jdbc.queryForObject("select status from message where id = ?", String.class, id));
  }

  @Test
  void redirectsToAnotherHostAreNotFollowed() {
    checkBackUrl(registered.url("/redirecting"));
    for (int status : new int[] {301, 302, 303, 307, 308}) {
      UUID id = prepared(Map.of());
      registered.then(
          "/redirecting",
          new Reply(
              status, new byte[0], Map.of("Location", otherHost.url("/commit")), Duration.ZERO));
      int before = registered.calls("/redirecting").size();
      refusals.attempt(
          CALLS,
          status + " to " + otherHost.url("/commit"),
          () -> List.of(otherHost.calls().size(), status(id)),
          () -> {
            checkBack(id);
            assertThat(lastError(id)).isEqualTo("HTTP " + status);
          });
      assertThat(registered.calls("/redirecting")).hasSize(before + 1);
      cancel(id);
    }
  }

  @Test
  void urlsCarriedByAMessageAreNeverCalled() {
    checkBackUrl(registered.url("/shop"));
    String elsewhere = otherHost.url("/commit");
    List<Map<String, Object>> carriers =
        List.of(
            Map.of("payload", Map.of("checkBackUrl", elsewhere, "check-back-url", elsewhere)),
            Map.of("headers", Map.of("check-back-url", elsewhere, "Location", elsewhere)),
            Map.of("businessKey", elsewhere, "producerMessageId", elsewhere + UUID.randomUUID()),
            Map.of("checkBackUrl", elsewhere, "callback", elsewhere));
    for (Map<String, Object> carrier : carriers) {
      UUID id = prepared(carrier);
      int before = registered.calls("/shop").size();
      refusals.attempt(
          CALLS,
          "a message carrying " + carrier.keySet(),
          () -> List.of(otherHost.calls().size(), status(id)),
          () -> checkBack(id));
      assertThat(registered.calls("/shop")).as("the registered URL was asked").hasSize(before + 1);
      cancel(id);
    }
  }

  @Test
  void storedUrlsThatBreakTheRulesAreNotCalled() {
    Map<String, String> stored =
        Map.of(
            unlisted.url("/shop"),
            "allowed-hosts",
            "http://169.254.169.254/latest/meta-data/iam/",
            "cloud metadata",
            "http://[fd00:ec2::254]/latest/meta-data/",
            "cloud metadata",
            "ftp://127.0.0.1/shop",
            "http or https");
    stored.forEach(
        (url, why) -> {
          // written past the registration checks (an older registration, a tightened allowlist)
          checkBackUrl(url);
          UUID id = prepared(Map.of());
          refusals.attempt(
              CALLS,
              "stored " + url,
              calls(id),
              () -> {
                checkBack(id);
                assertThat(lastError(id)).contains(why);
              });
          cancel(id);
        });
  }

  @Test
  void aDnsAnswerThatChangesAfterRegistrationIsCheckedAgainAtCallTime() {
    Deque<String> answers = new ArrayDeque<>(List.of("203.0.113.10", "127.0.0.1"));
    CheckBackTargets rebinding =
        new CheckBackTargets(
            List.of("*"),
            true,
            false,
            host -> {
              if (!host.equals("rebind.test")) {
                throw new UnknownHostException(host);
              }
              String next = answers.size() > 1 ? answers.poll() : answers.peek();
              return List.of(InetAddress.getByName(next));
            });
    String url = "http://rebind.test:" + port(registered) + "/shop";
    assertThat(rebinding.register(url)).as("public when registered").isNotNull();
    checkBackUrl(url);
    UUID id = prepared(Map.of());
    HttpCheckBackClient client = client(rebinding);
    refusals.attempt(
        CALLS,
        "rebind.test now resolving to 127.0.0.1",
        calls(id),
        () -> {
          CheckAnswer answer = client.check(preparedMessage(id));
          assertThat(answer.verdict()).isEqualTo(CheckAnswer.Verdict.ERROR);
          assertThat(answer.detail()).contains("127.0.0.1").contains("loopback");
        });
    refusals.attempt(
        CALLS,
        "a loopback literal with private addresses blocked",
        calls(id),
        () -> {
          checkBackUrl(registered.url("/shop"));
          CheckAnswer answer = client.check(preparedMessage(id));
          assertThat(answer.verdict()).isEqualTo(CheckAnswer.Verdict.ERROR);
          assertThat(answer.detail()).contains("loopback");
        });
    cancel(id);
  }

  @Test
  void theCallGoesToTheAddressThatWasCheckedNotToAFreshLookup() {
    // producer.test exists in no DNS: a call that looked the host up again could not connect
    CheckBackTargets scripted =
        new CheckBackTargets(
            List.of("producer.test"),
            false,
            true,
            FixedDns.of(Map.of("producer.test", List.of("127.0.0.1"))));
    checkBackUrl("http://producer.test:" + port(registered) + "/pinned");
    registered.then("/pinned", Reply.decision("COMMIT"));
    UUID id = prepared(Map.of());
    CheckAnswer answer = client(scripted).check(preparedMessage(id));
    assertThat(answer.verdict()).isEqualTo(CheckAnswer.Verdict.COMMIT);
    assertThat(registered.calls("/pinned")).hasSize(1);
    cancel(id);
  }

  private HttpCheckBackClient client(CheckBackTargets targets) {
    return new HttpCheckBackClient(
        registry,
        CircuitBreakerRegistry.ofDefaults(),
        BulkheadRegistry.ofDefaults(),
        json,
        clock,
        properties,
        targets,
        (SSLSocketFactory) SSLSocketFactory.getDefault(),
        spans);
  }

  private PreparedMessage preparedMessage(UUID id) {
    return new PreparedMessage(id, "shop", null, "order.created", null, Instant.now(clock), 0);
  }

  private static int port(ProducerStub stub) {
    String url = stub.url("/");
    return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1, url.length() - 1));
  }

  private String status(UUID id) {
    return jdbc.queryForObject("select status from message where id = ?", String.class, id);
  }

  private void cancel(UUID id) {
    as("shop").post("/api/v1/messages/" + id + "/cancel");
  }
}
