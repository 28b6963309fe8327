package io.rms.service.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.api.PrepareMessageRequest;
import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.json.JsonMapper;

/**
 * The payload is read from the request as bytes, without a tree of objects, and stored and answered
 * as before: the same compact JSON the tree gave, so an idempotent repeat of a producerMessageId
 * still finds the same content.
 */
class StreamedPayloadTest extends IntegrationTest {
  @Autowired JsonMapper mapper;

  private static final List<String> PAYLOADS =
      List.of(
          "{\"n\":1,\"s\":\"é\\u00e9 \\\"q\\\" \\n\",\"a\":[1,-0,2.50,1e2,-1.5E-3,12345678901234567890]}",
          "[ {} , [] , null , true , false , { \"x\" : { \"y\" : [ [ ] ] } } ]",
          "0.1",
          "123",
          "true",
          "\"just a string\"",
          "{\"emoji\":\"\\ud83d\\ude00\",\"ctl\":\"\\u0001\",\"slash\":\"a/b\"}");

  @Test
  void theStreamedBytesAreTheCompactJsonTheTreeGave() {
    for (String payload : PAYLOADS) {
      PrepareMessageRequest request =
          mapper.readValue(
              "{\"topic\":\"order.created\",\"payload\":" + payload + "}",
              PrepareMessageRequest.class);
      byte[] before = mapper.writeValueAsBytes(mapper.readValue(payload, Object.class));
      Object read = request.payload();
      byte[] now = read instanceof JsonPayload json ? json.bytes() : mapper.writeValueAsBytes(read);
      assertThat(new String(now, StandardCharsets.UTF_8))
          .as(payload)
          .isEqualTo(new String(before, StandardCharsets.UTF_8));
      assertThat(read).isInstanceOf(payload.startsWith("\"") ? String.class : JsonPayload.class);
    }
  }

  @Test
  void aPayloadOverTheLimitKeepsNoBytes() {
    String big = "[" + "{},".repeat(400_000) + "{}]";
    PrepareMessageRequest request =
        mapper.readValue(
            "{\"topic\":\"order.created\",\"payload\":" + big + ",\"businessKey\":\"after\"}",
            PrepareMessageRequest.class);
    assertThat(request.payload().toString()).isEqualTo("JsonPayload[over 1048576 bytes]");
    assertThat(request.businessKey()).isEqualTo("after");
  }

  @Test
  void preparedPayloadsAreAnsweredAndRepeatedAsBefore() {
    Api orders = as("orders");
    for (int i = 0; i < PAYLOADS.size(); i++) {
      String payload = PAYLOADS.get(i);
      String id = "streamed-" + System.nanoTime() + "-" + i;
      String body =
          "{\"topic\":\"order.created\",\"producerMessageId\":\""
              + id
              + "\",\"payload\":"
              + payload
              + "}";
      Response created = orders.post("/api/v1/messages", body);
      assertThat(created.status()).as(created.raw()).isEqualTo(201);
      assertThat(created.body().get("payload")).isEqualTo(Api.JSON.readTree(payload));
      byte[] stored =
          jdbc.queryForObject(
              "select payload from message where id = ?", byte[].class, created.id());
      assertThat(stored)
          .isEqualTo(mapper.writeValueAsBytes(mapper.readValue(payload, Object.class)));
      // the same content, spaced differently: the same message
      Response repeat = orders.post("/api/v1/messages", body.replace(":", " : "));
      assertThat(repeat.status()).as(repeat.raw()).isEqualTo(200);
      assertThat(repeat.id()).isEqualTo(created.id());
      orders.post("/api/v1/messages/" + created.id() + "/cancel");
    }
  }
}
