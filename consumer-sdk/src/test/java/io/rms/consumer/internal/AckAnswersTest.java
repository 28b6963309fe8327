package io.rms.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import io.rms.sdk.client.ResilientRmsClient;
import io.rms.sdk.client.RmsClientProperties;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ack batching over HTTP against a service that answers per-id outcomes this SDK may not know
 * (the real service cannot be made to answer a value from the future, so a small HTTP server plays
 * it): the batcher logs and carries on.
 */
class AckAnswersTest {
  private final JsonMapper json = JsonMapper.builder().build();
  private final Map<UUID, String> outcomeOf = new ConcurrentHashMap<>();
  private final Queue<List<UUID>> calls = new ConcurrentLinkedQueue<>();
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private HttpServer service;
  private AckBatcher acks;

  @BeforeEach
  void start() throws IOException {
    service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    service.createContext(
        "/api/v1/subscriptions/cart.orders/acks",
        exchange -> {
          JsonNode body = json.readTree(exchange.getRequestBody());
          List<UUID> ids =
              body.get("messageIds").valueStream().map(n -> UUID.fromString(n.asString())).toList();
          calls.add(ids);
          String items =
              ids.stream()
                  .map(
                      id ->
                          "{\"messageId\":\"%s\",\"outcome\":\"%s\"}"
                              .formatted(id, outcomeOf.getOrDefault(id, "ACKED")))
                  .collect(Collectors.joining(","));
          byte[] answer = ("{\"items\":[" + items + "]}").getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    service.start();
    ResilientRmsClient client =
        ResilientRmsClient.create(
            new RmsClientProperties(
                "http://127.0.0.1:" + service.getAddress().getPort(),
                "cart-key",
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                new RmsClientProperties.Retry(
                    1, 1, Duration.ofMillis(10), 2.0, Duration.ofMillis(10)),
                new RmsClientProperties.CircuitBreaker(50, 20, Duration.ofSeconds(10))));
    acks = new AckBatcher(client, 2, Duration.ofHours(1));
    logged.start();
    ((Logger) LoggerFactory.getLogger(AckAnswers.class)).addAppender(logged);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(AckAnswers.class)).detachAppender(logged);
    acks.close();
    service.stop(0);
  }

  @Test
  void anOutcomeThisSdkDoesNotKnowIsLoggedAndTheBatchingCarriesOn() {
    UUID parked = UUID.randomUUID();
    UUID beside = UUID.randomUUID();
    outcomeOf.put(parked, "PARKED_BY_A_NEWER_SERVICE");
    acks.add("cart.orders", parked);
    acks.add("cart.orders", beside);
    acks.flushNow();

    UUID later1 = UUID.randomUUID();
    UUID later2 = UUID.randomUUID();
    acks.add("cart.orders", later1);
    acks.add("cart.orders", later2);
    acks.flushNow();

    assertThat(calls).containsExactly(List.of(parked, beside), List.of(later1, later2));
    assertThat(acks.calls()).isEqualTo(2);
    assertThat(acks.answers().unknown()).as("ids of the unreadable answer").isEqualTo(2);
    assertThat(acks.answers().acked()).as("ids of the next call").isEqualTo(2);
    assertThat(warnings()).anyMatch(w -> w.contains("outcomes could not be read"));
  }

  @Test
  void anIdTheServiceHasNoDeliveryOfIsCountedAndLogged() {
    UUID missing = UUID.randomUUID();
    UUID fine = UUID.randomUUID();
    UUID before = UUID.randomUUID();
    outcomeOf.put(missing, "NOT_FOUND");
    outcomeOf.put(before, "ALREADY_ACKED");
    acks.add("cart.orders", missing);
    acks.add("cart.orders", fine);
    acks.add("cart.orders", before);
    acks.flushNow();

    assertThat(acks.answers().notFound()).isEqualTo(1);
    assertThat(acks.answers().acked()).isEqualTo(1);
    assertThat(acks.answers().alreadyAcked()).isEqualTo(1);
    assertThat(acks.answers().unknown()).isZero();
    assertThat(warnings())
        .anyMatch(w -> w.contains("no delivery") && w.contains(missing.toString()));
  }

  private List<String> warnings() {
    return logged.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }
}
