package io.rms.examples.e2e;

import io.rms.api.Decision;
import io.rms.api.MessagePage;
import io.rms.api.MessageStatus;
import io.rms.api.MessageView;
import io.rms.api.RmsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.json.JsonMapper;

/**
 * Does what the service's check-back sweep does (DESIGN §6), from outside: lists the producer's
 * PREPARED messages older than {@code after}, calls its check-back URL with a signed request and
 * confirms or cancels by the answer. Used only when the service under test has no check-back sweep
 * of its own.
 */
final class CheckBackDriver {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final RmsClient producerApi;
  private final URI checkBackUrl;
  private final String secret;
  private final Duration after;
  private final HttpClient http = HttpClient.newHttpClient();
  final AtomicInteger commits = new AtomicInteger();
  final AtomicInteger rollbacks = new AtomicInteger();
  final AtomicInteger unknowns = new AtomicInteger();

  CheckBackDriver(RmsClient producerApi, URI checkBackUrl, String secret, Duration after) {
    this.producerApi = producerApi;
    this.checkBackUrl = checkBackUrl;
    this.secret = secret;
    this.after = after;
  }

  /** One sweep over the PREPARED messages. */
  void sweep() throws Exception {
    String cursor = null;
    do {
      MessagePage page =
          producerApi.list(MessageStatus.PREPARED, null, null, null, null, null, cursor, 500);
      for (MessageView m : page.items()) {
        if (m.createdAt().plus(after).isBefore(Instant.now())) {
          resolve(m);
        }
      }
      cursor = page.nextCursor();
    } while (cursor != null);
  }

  private void resolve(MessageView m) throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("messageId", m.id().toString());
    body.put("producerMessageId", m.producerMessageId());
    body.put("topic", m.topic());
    body.put("businessKey", m.businessKey());
    body.put("preparedAt", m.createdAt().toString());
    body.put("checkCount", m.checkCount() + 1);
    byte[] bytes = JSON.writeValueAsBytes(body);
    String timestamp = Long.toString(Instant.now().getEpochSecond());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
    String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(bytes));
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(checkBackUrl)
                .header("Content-Type", "application/json")
                .header("X-RMS-Timestamp", timestamp)
                .header("X-RMS-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Decision decision =
        response.statusCode() == 200
            ? Decision.valueOf(JSON.readTree(response.body()).get("decision").asString())
            : Decision.UNKNOWN;
    switch (decision) {
      case COMMIT -> {
        producerApi.confirm(m.id());
        commits.incrementAndGet();
      }
      case ROLLBACK -> {
        producerApi.cancel(m.id());
        rollbacks.incrementAndGet();
      }
      case UNKNOWN -> unknowns.incrementAndGet();
    }
  }
}
