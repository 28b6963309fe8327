package io.rms.service.message;

import io.rms.api.ErrorCode;
import io.rms.api.PrepareMessageRequest;
import io.rms.service.config.RmsProperties;
import io.rms.service.problem.RmsProblem;
import io.rms.service.registry.AppInfo;
import io.rms.service.registry.Registry;
import io.rms.service.tracing.TraceContext;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Turns a prepare request into a {@link NewMessage}, or refuses it with the problem the contract
 * names: 400 invalid fields or headers, 403 a topic the app does not produce, 413 a payload over
 * the limit, 422 a topic with no active subscription.
 */
@Component
class MessageFactory {
  private final Registry registry;
  private final Payloads payloads;
  private final Validator validator;
  private final Clock clock;
  private final long payloadMaxBytes;

  MessageFactory(
      Registry registry,
      Payloads payloads,
      Validator validator,
      Clock clock,
      RmsProperties properties) {
    this.registry = registry;
    this.payloads = payloads;
    this.validator = validator;
    this.clock = clock;
    this.payloadMaxBytes = properties.payloadMaxBytes();
  }

  NewMessage create(AppInfo app, PrepareMessageRequest request) {
    if (request == null) {
      throw RmsProblem.invalid("item is null");
    }
    Set<ConstraintViolation<PrepareMessageRequest>> violations = validator.validate(request);
    if (!violations.isEmpty()) {
      ConstraintViolation<PrepareMessageRequest> first = violations.iterator().next();
      throw RmsProblem.invalid(first.getPropertyPath() + ": " + first.getMessage());
    }
    if (!app.mayProduce(request.topic())) {
      throw new RmsProblem(
          ErrorCode.FORBIDDEN, "app " + app.id() + " does not produce topic " + request.topic());
    }
    if (registry.activeSubscriptions(request.topic()).isEmpty()) {
      throw new RmsProblem(
          ErrorCode.NO_SUBSCRIPTION, "topic " + request.topic() + " has no active subscription");
    }
    Map<String, String> headers = HeaderRules.validate(request.headers());
    String contentType = Payloads.contentType(request.contentType());
    byte[] payload = payloads.encode(request.payload(), contentType);
    if (payload.length > payloadMaxBytes) {
      throw new RmsProblem(
          ErrorCode.PAYLOAD_TOO_LARGE,
          "payload is " + payload.length + " bytes; the limit is " + payloadMaxBytes);
    }
    return new NewMessage(
        UuidV7.next(clock),
        app.id(),
        request.producerMessageId(),
        request.topic(),
        contentType,
        payload,
        hash(request, contentType, headers, payload),
        request.businessKey(),
        request.orderingKey(),
        headers,
        request.deliverAfter(),
        // not part of the content hash: a retry from another trace is the same message
        TraceContext.parse(request.traceparent(), request.tracestate()));
  }

  /** What "the same content" means for an idempotent repeat of a producerMessageId. */
  private static byte[] hash(
      PrepareMessageRequest r, String contentType, Map<String, String> headers, byte[] payload) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      String meta =
          String.join(
              "\u0000",
              r.topic(),
              contentType,
              String.valueOf(r.businessKey()),
              String.valueOf(r.orderingKey()),
              headers.toString(),
              String.valueOf(r.deliverAfter()));
      sha.update(meta.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(payload);
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
