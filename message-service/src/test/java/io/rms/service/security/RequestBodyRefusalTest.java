package io.rms.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.IntegrationTest;
import io.rms.service.testing.Refusals;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Bodies that cost the service before it knew whether to take them: a body of an app that produces
 * nothing is refused before it is read; bodies nested too deep or holding too long a string stop
 * the parser; multipart bodies, chunked or not, are refused unread as a media type no endpoint
 * takes (they answered 500 before).
 */
class RequestBodyRefusalTest extends IntegrationTest {
  static final String UNREAD = "request bodies refused before they are read";
  static final String PARSER = "request bodies beyond the JSON parser's limits";
  static final String MULTIPART = "multipart request bodies";
  private static final List<String> PRODUCER_CALLS =
      List.of("/api/v1/messages", "/api/v1/messages/send", "/api/v1/messages/batch/prepare");
  private static final int MIB = 1024 * 1024;

  private static final Refusals refusals = new Refusals();

  @AfterAll
  static void tally() {
    refusals.report();
  }

  private Supplier<Object> counts() {
    return () ->
        jdbc.queryForList(
            "select (select count(*) from message) as messages,"
                + " (select count(*) from delivery) as deliveries,"
                + " (select count(*) from message_event) as events");
  }

  @Test
  void anAppThatProducesNoTopicIsRefusedBeforeItsBodyIsRead() {
    for (String app : List.of("cart", "ops")) {
      for (String call : PRODUCER_CALLS) {
        refusals.attempt(
            UNREAD,
            app + "'s key on " + call + ", 4 MB declared, 1 byte sent",
            counts(),
            () -> {
              String answer = withBodyPending(call, app + "-key", 4_000_000, "{");
              assertThat(answer).startsWith("HTTP/1.1 403");
              assertThat(answer).contains("application/problem+json").contains("\"forbidden\"");
            });
      }
    }
    // a producer's request is read: its body must arrive before it is answered
    assertThat(withBodyPending("/api/v1/messages", "orders-key", 4_000_000, "{"))
        .isEqualTo("no answer");
  }

  @Test
  void bodiesBeyondTheParsersLimitsAreRefused() {
    Api orders = as("orders");
    String deep = "[".repeat(101) + "]".repeat(101);
    for (String call : PRODUCER_CALLS) {
      String body =
          call.endsWith("batch/prepare")
              ? "{\"items\":[{\"topic\":\"order.created\",\"payload\":" + deep + "}]}"
              : "{\"topic\":\"order.created\",\"payload\":" + deep + "}";
      refusals.attempt(
          PARSER,
          "a payload nested 101 deep on " + call,
          counts(),
          () -> refused(400, "malformed-request", orders.post(call, body)));
    }
    refusals.attempt(
        PARSER,
        "a string of 2 Mi + 1 characters in a JSON payload",
        counts(),
        () ->
            refused(
                413,
                "payload-too-large",
                orders.post(
                    "/api/v1/messages",
                    "{\"topic\":\"order.created\",\"payload\":{\"a\":\""
                        + "s".repeat(2 * MIB + 1)
                        + "\"}}")));
    refusals.attempt(
        PARSER,
        "a topic of 2 Mi + 1 characters",
        counts(),
        () ->
            refused(
                413,
                "payload-too-large",
                orders.post(
                    "/api/v1/messages",
                    "{\"topic\":\"" + "t".repeat(2 * MIB + 1) + "\",\"payload\":1}")));
    String manyTokens = "[" + "[],".repeat(1_500_000) + "[]]";
    refusals.attempt(
        PARSER,
        "a 4.5 MB batch of 3 million tokens (over one per two bytes of the request limit)",
        counts(),
        () -> {
          Response r =
              orders.post(
                  "/api/v1/messages/batch/prepare",
                  "{\"items\":[{\"topic\":\"order.created\",\"payload\":" + manyTokens + "}]}");
          refused(413, "payload-too-large", r);
          assertThat(r.text("detail")).contains("JSON parser");
        });
    // within the limits, the same shapes go through
    Response ok =
        orders.prepare(
            "order.created", "payload", Api.JSON.readTree("[".repeat(99) + "]".repeat(99)));
    assertThat(ok.status()).as(ok.raw()).isEqualTo(201);
    orders.post("/api/v1/messages/" + ok.id() + "/cancel");
  }

  @Test
  void multipartBodiesAreRefusedUnread() {
    String boundary = "rms-boundary";
    byte[] small =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"request\"\r\n"
                + "Content-Type: application/json\r\n\r\n"
                + "{\"topic\":\"order.created\",\"payload\":{\"n\":1}}\r\n--"
                + boundary
                + "--\r\n")
            .getBytes(StandardCharsets.UTF_8);
    // a file part of 1.5 MB: over the multipart resolver's former 1 MB part limit (it answered
    // 500), under what the server reads of an unread body before it closes the connection
    byte[] file =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n"
                + "z".repeat(1_500_000)
                + "\r\n--"
                + boundary
                + "--\r\n")
            .getBytes(StandardCharsets.UTF_8);
    for (String app : List.of("cart", "orders")) {
      refusals.attempt(
          MULTIPART,
          "chunked multipart with a 1.5 MB file part with " + app + "'s key on /api/v1/messages",
          counts(),
          () -> multipartRefused("/api/v1/messages", app, boundary, file, true));
    }
    for (String app : List.of("cart", "orders")) {
      for (String call :
          List.of(
              "/api/v1/messages",
              "/api/v1/messages/batch/prepare",
              "/api/v1/subscriptions/cart.order-created/acks")) {
        for (boolean chunked : List.of(true, false)) {
          refusals.attempt(
              MULTIPART,
              (chunked ? "chunked" : "sized") + " multipart with " + app + "'s key on " + call,
              counts(),
              () -> multipartRefused(call, app, boundary, small, chunked));
        }
      }
    }
  }

  private void multipartRefused(
      String call, String app, String boundary, byte[] body, boolean chunked) {
    HttpRequest.BodyPublisher publisher =
        chunked
            ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
            : HttpRequest.BodyPublishers.ofByteArray(body);
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + call))
                .header("Authorization", "Bearer " + app + "-key")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(publisher)
                .build());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(415);
    assertThat(r.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    assertThat(r.body()).contains("\"unsupported-media-type\"");
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Sends a request declaring {@code declared} body bytes but only {@code sent} of them and waits
   * up to 5 s for the answer: its status line and headers, or {@code "no answer"} if the service is
   * still waiting for the body.
   */
  private String withBodyPending(String path, String key, int declared, String sent) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST "
                  + path
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                  + key
                  + "\r\nContent-Type: application/json\r\nContent-Length: "
                  + declared
                  + "\r\n\r\n"
                  + sent)
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      StringBuilder answer = new StringBuilder();
      try {
        int n;
        while (!answer.toString().contains("\"code\"") && (n = in.read(buffer)) > 0) {
          answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        }
      } catch (SocketTimeoutException e) {
        return answer.isEmpty() ? "no answer" : answer.toString();
      }
      return answer.toString();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void refused(int status, String code, Response r) {
    assertThat(r.status()).as(r.raw()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.code()).isEqualTo(code);
  }
}
