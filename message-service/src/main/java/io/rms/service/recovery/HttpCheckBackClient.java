package io.rms.service.recovery;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.tracing.Span;
import io.rms.recovery.CheckAnswer;
import io.rms.recovery.CheckAnswer.Verdict;
import io.rms.recovery.CheckBackClient;
import io.rms.recovery.PreparedMessage;
import io.rms.service.config.RmsProperties;
import io.rms.service.outbound.OutboundHttp;
import io.rms.service.registry.AppInfo;
import io.rms.service.registry.CheckBackTargets;
import io.rms.service.registry.CheckBackTargets.Target;
import io.rms.service.registry.Registry;
import io.rms.service.tracing.MessageSpans;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLSocketFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls a producer's check-back endpoint (docs/design.md §8) at the app's registered URL (never
 * anything from the message). Before every call the URL passes {@link CheckBackTargets} again and
 * its host is resolved there; {@link OutboundHttp} connects to an address that passed, so neither a
 * changed registration nor a changed DNS answer can point a call elsewhere. The body is signed with
 * the app's secret; redirects are not followed, connect and answer time are bounded, the answer is
 * read up to {@code maxResponseBytes}. Each app has its own circuit breaker and bulkhead, so a slow
 * or dead producer costs the others nothing: when its bulkhead is full the message is not checked
 * now ({@link Verdict#NOT_CALLED}); when its circuit is open the check fails at once. Every failure
 * is an {@link Verdict#ERROR} answer, never an exception.
 */
@Component
class HttpCheckBackClient implements CheckBackClient {

  private final Registry registry;
  private final CircuitBreakerRegistry breakers;
  private final BulkheadRegistry bulkheads;
  private final JsonMapper json;
  private final Clock clock;
  private final CheckBackTargets targets;
  private final int maxResponseBytes;
  private final OutboundHttp http;
  private final MessageSpans spans;

  @Autowired
  HttpCheckBackClient(
      Registry registry,
      CircuitBreakerRegistry breakers,
      BulkheadRegistry bulkheads,
      JsonMapper json,
      Clock clock,
      RmsProperties properties,
      CheckBackTargets targets,
      MessageSpans spans) {
    this(
        registry,
        breakers,
        bulkheads,
        json,
        clock,
        properties,
        targets,
        (SSLSocketFactory) SSLSocketFactory.getDefault(),
        spans);
  }

  /** With the TLS socket factory to use (tests trust their own certificate). */
  HttpCheckBackClient(
      Registry registry,
      CircuitBreakerRegistry breakers,
      BulkheadRegistry bulkheads,
      JsonMapper json,
      Clock clock,
      RmsProperties properties,
      CheckBackTargets targets,
      SSLSocketFactory tls,
      MessageSpans spans) {
    this.spans = spans;
    RmsProperties.CheckBack config = properties.checkBack();
    this.registry = registry;
    this.breakers = breakers;
    this.bulkheads = bulkheads;
    this.json = json;
    this.clock = clock;
    this.targets = targets;
    this.maxResponseBytes = config.maxResponseBytes();
    this.http =
        new OutboundHttp(
            config.connectTimeout(), config.readTimeout(), config.maxResponseBytes(), tls);
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
    try {
      // what the URL itself says, before anything is spent on it
      targets.checkUrl(app.checkBackUrl());
    } catch (CheckBackTargets.Refused refused) {
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
      CheckAnswer answer;
      try {
        // the DNS lookup happens here, inside the app's bulkhead and circuit breaker (a slow
        // resolver for one producer holds only that producer's calls)
        Target target = targets.resolve(app.checkBackUrl());
        answer = tracedCall(target, app.checkBackSecret(), message);
      } catch (CheckBackTargets.Refused refused) {
        answer = CheckAnswer.error(refused.getMessage());
      }
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

  /**
   * The call in a client span that is a child of the message's trace context, when spans are on;
   * the producer gets the span's {@code traceparent} (or, with spans off, the message's own).
   */
  private CheckAnswer tracedCall(Target target, String secret, PreparedMessage message) {
    Span span =
        spans.enabled()
            ? spans.open(
                "rms.check-back",
                Span.Kind.CLIENT,
                message.traceparent(),
                null,
                "rms.message.id",
                message.id().toString(),
                "rms.app",
                message.app(),
                "rms.check.count",
                Integer.toString(message.checkCount() + 1))
            : null;
    CheckAnswer answer =
        call(
            target,
            secret,
            message,
            span == null ? message.traceparent() : spans.traceparent(span));
    if (span != null) {
      span.tag("rms.decision", answer.verdict().name());
    }
    spans.close(span, answer.verdict() == Verdict.ERROR ? answer.detail() : null);
    return answer;
  }

  private CheckAnswer call(
      Target target, String secret, PreparedMessage message, String traceparent) {
    byte[] body = json.writeValueAsBytes(body(message));
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "application/json");
    headers.put("User-Agent", "rms-check-back");
    headers.put("X-RMS-Timestamp", timestamp);
    headers.put("X-RMS-Signature", CheckBackSigner.signature(secret, timestamp, body));
    if (traceparent != null) {
      headers.put("traceparent", traceparent);
    }
    try {
      OutboundHttp.Answer answer = http.post(target, headers, body);
      if (answer.status() != 200) {
        return CheckAnswer.error("HTTP " + answer.status());
      }
      if (answer.body() == null) {
        return CheckAnswer.error("answer larger than " + maxResponseBytes + " bytes");
      }
      CheckAnswer decided = decision(answer.body());
      if (decided.verdict() == Verdict.ERROR) {
        return decided;
      }
      String refusal =
          CheckBackSigner.answerRefusal(
              secret,
              answer.headers().get("x-rms-timestamp"),
              answer.headers().get("x-rms-signature"),
              message.id().toString(),
              decided.verdict().name(),
              clock.instant());
      return refusal == null ? decided : CheckAnswer.error(refusal);
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
