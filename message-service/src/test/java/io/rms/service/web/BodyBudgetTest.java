package io.rms.service.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.Await;
import io.rms.service.testing.ServiceArgs;
import io.rms.service.testing.StartedService;
import io.rms.service.testing.TestInfra;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Request bodies share a memory budget ({@code rms.request-body-budget-bytes}, here 1 MiB): while
 * one request reads a body of 900,000 bytes, another of 300,000 is answered {@code 429 overloaded}
 * with {@code Retry-After}; once the first is answered, its share is back and the second goes
 * through. A chunked body takes its share as it is read.
 */
class BodyBudgetTest {
  private static StartedService service;

  @BeforeAll
  static void start() {
    TestInfra infra = TestInfra.get();
    String prefix = infra.queuePrefix + "budget.";
    for (String sub : new String[] {"cart.order-created", "cart.fanout", "audit.fanout"}) {
      infra.deleteAtExit(prefix + sub);
    }
    service =
        StartedService.run(
            ServiceArgs.on(infra)
                .database(infra.newDatabase("budget"))
                .queuePrefix(prefix)
                .with("--spring.profiles.active=itest", "--rms.request-body-budget-bytes=1048576"));
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void aBodyThatTheBudgetCannotHoldIsAnswered429UntilTheBudgetIsBack() throws Exception {
    BodyBudget budget = service.context().getBean(BodyBudget.class);
    assertThat(budget.budget()).isEqualTo(1024 * 1024);
    Api orders = new Api(service.port(), "orders-key");
    String second = "{\"topic\":\"order.created\",\"payload\":\"" + "b".repeat(300_000) + "\"}";
    String head = "{\"topic\":\"order.created\",\"payload\":\"";
    String tail = "\"}";
    int length = 900_000;
    String rest = "a".repeat(length - head.length() - tail.length()) + tail;
    try (Socket first = new Socket("127.0.0.1", service.port())) {
      first.setSoTimeout(30_000);
      OutputStream out = first.getOutputStream();
      out.write(
          ("POST /api/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer orders-key"
                  + "\r\nContent-Type: application/json\r\nContent-Length: "
                  + length
                  + "\r\nConnection: close\r\n\r\n"
                  + head)
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // the first request reads its body: it holds 879 of the 1,024 KiB
      Await.until(
          Duration.ofSeconds(20),
          "the first request holds its share",
          () -> budget.available() < 200 * 1024);
      Response refused = orders.post("/api/v1/messages", second);
      assertThat(refused.status()).as(refused.raw()).isEqualTo(429);
      assertThat(refused.contentType()).startsWith("application/problem+json");
      assertThat(refused.code()).isEqualTo("overloaded");
      HttpResponse<String> raw =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + service.port() + "/api/v1/messages"))
                      .header("Authorization", "Bearer orders-key")
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(second))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(raw.statusCode()).isEqualTo(429);
      assertThat(raw.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(count()).isZero();

      out.write(rest.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = first.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 201");
    }
    assertThat(budget.available()).isEqualTo(budget.budget());
    Response accepted = orders.post("/api/v1/messages", second);
    assertThat(accepted.status()).as(accepted.raw()).isEqualTo(201);
    assertThat(budget.available()).isEqualTo(budget.budget());
  }

  @Test
  void aChunkedBodyTakesItsShareAsItIsRead() throws Exception {
    BodyBudget budget = service.context().getBean(BodyBudget.class);
    String body = "{\"topic\":\"order.created\",\"payload\":\"" + "c".repeat(1_200_000) + "\"}";
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + service.port() + "/api/v1/messages"))
                    .header("Authorization", "Bearer orders-key")
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofInputStream(
                            () ->
                                new java.io.ByteArrayInputStream(
                                    body.getBytes(StandardCharsets.US_ASCII))))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    // one request may hold the whole budget: 1.2 MB read in 64 KiB steps up to the 1 MiB, then the
    // payload limit refuses it
    assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
    assertThat(budget.available()).isEqualTo(budget.budget());
  }

  private long count() {
    return service
        .context()
        .getBean(org.springframework.jdbc.core.JdbcTemplate.class)
        .queryForObject("select count(*) from message", Long.class);
  }
}
