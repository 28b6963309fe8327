package io.rms.producer.internal;

import io.rms.api.Decision;
import io.rms.producer.CheckBackRequest;
import io.rms.producer.CheckBackResolver;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The check-back endpoint: verify the signed call, ask the resolver, sign the answer. The body is
 * read up to {@link #MAX_BODY_BYTES} before anything else, so an unauthenticated caller cannot make
 * the producer buffer a large body.
 */
@RestController
public class CheckBackController {
  /** The largest check-back request read; the service sends a few hundred bytes. */
  public static final int MAX_BODY_BYTES = 16 * 1024;

  private static final Logger log = LoggerFactory.getLogger(CheckBackController.class);

  private final CheckBackSignature signature;
  private final CheckBackResolver resolver;
  private final JsonMapper json;

  public CheckBackController(
      CheckBackSignature signature, CheckBackResolver resolver, JsonMapper json) {
    this.signature = signature;
    this.resolver = resolver;
    this.json = json;
  }

  @PostMapping(
      path = "${rms.producer.check-back.path:/rms/check-back}",
      produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<Map<String, String>> checkBack(
      @RequestHeader(name = "X-RMS-Timestamp", required = false) String timestamp,
      @RequestHeader(name = "X-RMS-Signature", required = false) String sig,
      InputStream in)
      throws IOException {
    byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
    if (body.length > MAX_BODY_BYTES) {
      log.warn("check-back call rejected: body over {} bytes", MAX_BODY_BYTES);
      return ResponseEntity.status(HttpStatus.PAYLOAD_TOO_LARGE).body(Map.of("error", "too large"));
    }
    CheckBackSignature.Verdict verdict =
        signature.verify(timestamp, sig, body.length == 0 ? null : body);
    if (verdict != CheckBackSignature.Verdict.VALID) {
      log.warn("check-back call rejected: {}", verdict);
      return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
          .body(Map.of("error", verdict.name().toLowerCase(java.util.Locale.ROOT)));
    }
    CheckBackRequest request;
    try {
      request = json.readValue(body, CheckBackRequest.class);
    } catch (JacksonException e) {
      return ResponseEntity.badRequest().body(Map.of("error", "malformed"));
    }
    if (request.messageId() == null) {
      return ResponseEntity.badRequest().body(Map.of("error", "messageId missing"));
    }
    Decision decision;
    try {
      decision = resolver.resolve(request);
    } catch (RuntimeException e) {
      log.warn("check-back of {} could not be resolved", request.messageId(), e);
      decision = Decision.UNKNOWN;
    }
    CheckBackSignature.AnswerSignature signed =
        signature.signAnswer(request.messageId().toString(), decision.name());
    return ResponseEntity.ok()
        .header("X-RMS-Timestamp", signed.timestamp())
        .header("X-RMS-Signature", signed.signature())
        .body(Map.of("decision", decision.name()));
  }
}
