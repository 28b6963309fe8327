package io.rms.service.recovery;

import feign.Feign;
import feign.HeaderMap;
import feign.Request;
import feign.RequestLine;
import feign.Response;
import feign.Retryer;
import feign.Target;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.rms.recovery.CheckAnswer;
import io.rms.recovery.CheckAnswer.Verdict;
import io.rms.recovery.CheckBackClient;
import io.rms.recovery.PreparedMessage;
import io.rms.service.config.RmsProperties;
import io.rms.service.registry.AppInfo;
import io.rms.service.registry.Registry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls a producer's check-back endpoint (DESIGN §6) with a plain Feign client whose target is the
 * app's registered URL (never anything from the message), checked against the host allowlist. The
 * body is signed with the app's secret; redirects are not followed, connect and read time are
 * bounded, the answer is read up to {@code maxResponseBytes}. Each app has its own circuit breaker
 * and bulkhead, so a slow or dead producer costs the others nothing: when its bulkhead is full the
 * message is not checked now ({@link Verdict#NOT_CALLED}); when its circuit is open the check fails
 * at once. Every failure is an {@link Verdict#ERROR} answer, never an exception.
 */
@Component
class HttpCheckBackClient implements CheckBackClient {

  /** The producer's endpoint; the URI argument is the whole target. */
  interface CheckBackApi {
    @RequestLine("POST")
    Response post(URI target, @HeaderMap Map<String, Object> headers, byte[] body);
  }

  private final Registry registry;
  private final CircuitBreakerRegistry breakers;
  private final BulkheadRegistry bulkheads;
  private final JsonMapper json;
  private final Clock clock;
  private final HostAllowlist allowlist;
  private final int maxResponseBytes;
  private final CheckBackApi api;

  HttpCheckBackClient(
      Registry registry,
      CircuitBreakerRegistry breakers,
      BulkheadRegistry bulkheads,
      JsonMapper json,
      Clock clock,
      RmsProperties properties) {
    RmsProperties.CheckBack config = properties.checkBack();
    this.registry = registry;
    this.breakers = breakers;
    this.bulkheads = bulkheads;
    this.json = json;
    this.clock = clock;
    this.allowlist = new HostAllowlist(config.allowedHosts());
    this.maxResponseBytes = config.maxResponseBytes();
    this.api =
        Feign.builder()
            .retryer(Retryer.NEVER_RETRY)
            .options(
                new Request.Options(
                    config.connectTimeout().toMillis(),
                    TimeUnit.MILLISECONDS,
                    config.readTimeout().toMillis(),
                    TimeUnit.MILLISECONDS,
                    false))
            .target(Target.EmptyTarget.create(CheckBackApi.class));
  }

  @Override
  public CheckAnswer check(PreparedMessage message) {
    AppInfo app = registry.app(message.app()).orElse(null);
    if (app == null || app.checkBackUrl() == null || app.checkBackUrl().isBlank()) {
      return CheckAnswer.error("app " + message.app() + " has no check-back URL");
    }
    if (app.checkBackSecret() == null || app.checkBackSecret().isBlank()) {
      return CheckAnswer.error("app " + message.app() + " has no check-back secret");
    }
    URI target;
    try {
      target = allowlist.check(app.checkBackUrl());
    } catch (IllegalArgumentException refused) {
      return CheckAnswer.error(refused.getMessage());
    }
    Bulkhead bulkhead = bulkheads.bulkhead(app.id());
    if (!bulkhead.tryAcquirePermission()) {
      return new CheckAnswer(Verdict.NOT_CALLED, "bulkhead full");
    }
    try {
      CircuitBreaker breaker = breakers.circuitBreaker(app.id());
      if (!breaker.tryAcquirePermission()) {
        return CheckAnswer.error("circuit open");
      }
      long start = breaker.getCurrentTimestamp();
      CheckAnswer answer = call(target, app.checkBackSecret(), message);
      long took = breaker.getCurrentTimestamp() - start;
      if (answer.verdict() == Verdict.ERROR) {
        breaker.onError(took, breaker.getTimestampUnit(), new CheckBackFailed(answer.detail()));
      } else {
        breaker.onSuccess(took, breaker.getTimestampUnit());
      }
      return answer;
    } finally {
      bulkhead.onComplete();
    }
  }

  private CheckAnswer call(URI target, String secret, PreparedMessage message) {
    byte[] body = json.writeValueAsBytes(body(message));
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "application/json");
    headers.put("X-RMS-Timestamp", timestamp);
    headers.put("X-RMS-Signature", CheckBackSigner.signature(secret, timestamp, body));
    try (Response response = api.post(target, headers, body)) {
      if (response.status() != 200) {
        return CheckAnswer.error("HTTP " + response.status());
      }
      byte[] content = readCapped(response);
      if (content == null) {
        return CheckAnswer.error("answer larger than " + maxResponseBytes + " bytes");
      }
      return decision(content);
    } catch (RuntimeException | IOException e) {
      return CheckAnswer.error(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private static Map<String, Object> body(PreparedMessage message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("messageId", message.id().toString());
    body.put("producerMessageId", message.producerMessageId());
    body.put("topic", message.topic());
    body.put("businessKey", message.businessKey());
    body.put("preparedAt", message.preparedAt().toString());
    body.put("checkCount", message.checkCount() + 1);
    return body;
  }

  /** The body, or null if it is larger than allowed. */
  private byte[] readCapped(Response response) throws IOException {
    if (response.body() == null) {
      return new byte[0];
    }
    Integer length = response.body().length();
    if (length != null && length > maxResponseBytes) {
      return null;
    }
    try (InputStream in = response.body().asInputStream()) {
      byte[] content = in.readNBytes(maxResponseBytes + 1);
      return content.length > maxResponseBytes ? null : content;
    }
  }

  private CheckAnswer decision(byte[] content) {
    JsonNode answer;
    try {
      answer = json.readTree(content);
    } catch (RuntimeException garbage) {
      return CheckAnswer.error("answer is not JSON");
    }
    JsonNode decision = answer == null ? null : answer.get("decision");
    String value = decision == null || !decision.isString() ? "" : decision.asString();
    return switch (value) {
      case "COMMIT" -> CheckAnswer.of(Verdict.COMMIT);
      case "ROLLBACK" -> CheckAnswer.of(Verdict.ROLLBACK);
      case "UNKNOWN" -> CheckAnswer.of(Verdict.UNKNOWN);
      default -> CheckAnswer.error("answer has no valid decision");
    };
  }

  /** A failed check, as the circuit breaker records it. */
  static final class CheckBackFailed extends RuntimeException {
    CheckBackFailed(String reason) {
      super(reason, null, false, false);
    }
  }
}
