package io.rms.sdk.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import feign.Request;
import feign.RetryableException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.rms.api.ErrorCode;
import io.rms.api.MessageStatus;
import io.rms.api.MessageView;
import io.rms.api.RmsApiException;
import io.rms.api.RmsClient;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which failures are retried, how often, and when the circuit opens. */
class ResilientRmsClientTest {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final AtomicInteger calls = new AtomicInteger();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  /** A client whose confirm answers what {@code answer} gives, counting calls. */
  private RmsClient client(Supplier<MessageView> answer) {
    return (RmsClient)
        Proxy.newProxyInstance(
            RmsClient.class.getClassLoader(),
            new Class<?>[] {RmsClient.class},
            (proxy, method, args) -> {
              calls.incrementAndGet();
              return answer.get();
            });
  }

  private static Retry retry(int attempts) {
    return Retry.of(
        "t",
        RetryConfig.custom()
            .maxAttempts(attempts)
            .waitDuration(Duration.ofMillis(5))
            .retryOnException(ResilientRmsClient::isTransient)
            .build());
  }

  private static CircuitBreaker breaker(int window) {
    return CircuitBreaker.of(
        "t",
        CircuitBreakerConfig.custom()
            .slidingWindowSize(window)
            .minimumNumberOfCalls(window)
            .failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofMinutes(1))
            .recordException(ResilientRmsClient::isTransient)
            .build());
  }

  private static RetryableException networkError() {
    Request request =
        Request.create(
            Request.HttpMethod.POST,
            "http://rms/x",
            Map.of(),
            new byte[0],
            StandardCharsets.UTF_8,
            null);
    return new RetryableException(
        -1, "connection refused", Request.HttpMethod.POST, (Long) null, request);
  }

  private static MessageView view(UUID id) {
    return new MessageView(
        id,
        "orders",
        null,
        "t",
        null,
        null,
        MessageStatus.CONFIRMED,
        "application/json",
        null,
        null,
        null,
        null,
        null,
        null,
        0,
        null,
        null,
        null);
  }

  @Test
  void networkErrorsAndServerErrorsAreRetriedUpToTheLimit() {
    ResilientRmsClient client =
        new ResilientRmsClient(
            client(
                () -> {
                  throw networkError();
                }),
            breaker(100),
            retry(3),
            retry(5));
    assertThatThrownBy(() -> client.call(c -> c.confirm(UUID.randomUUID())))
        .isInstanceOf(RetryableException.class);
    assertThat(calls).hasValue(3);
  }

  @Test
  void clientErrorsAreFinalAndNotRetried() {
    ResilientRmsClient client =
        new ResilientRmsClient(
            client(
                () -> {
                  throw new RmsApiException(409, ErrorCode.ILLEGAL_TRANSITION, "cancelled");
                }),
            breaker(100),
            retry(3),
            retry(5));
    assertThatThrownBy(() -> client.call(c -> c.confirm(UUID.randomUUID())))
        .isInstanceOf(RmsApiException.class);
    assertThat(calls).hasValue(1);
  }

  @Test
  void transientClassification() {
    assertThat(ResilientRmsClient.isTransient(new RmsApiException(503, ErrorCode.UNAVAILABLE, "")))
        .isTrue();
    assertThat(ResilientRmsClient.isTransient(new RmsApiException(429, ErrorCode.INTERNAL, "")))
        .isTrue();
    assertThat(ResilientRmsClient.isTransient(new RmsApiException(404, ErrorCode.NOT_FOUND, "")))
        .isFalse();
    assertThat(ResilientRmsClient.isTransient(networkError())).isTrue();
    assertThat(ResilientRmsClient.isTransient(new IllegalStateException())).isFalse();
  }

  @Test
  void backgroundCallSucceedsAfterTransientFailuresWithoutBlockingTheCaller() throws Exception {
    UUID id = UUID.randomUUID();
    ResilientRmsClient client =
        new ResilientRmsClient(
            client(
                () -> {
                  if (calls.get() < 3) {
                    throw new RmsApiException(503, ErrorCode.UNAVAILABLE, "db down");
                  }
                  return view(id);
                }),
            breaker(100),
            retry(1),
            retry(5));
    MessageView result =
        client
            .callInBackground(c -> c.confirm(id), Executors.newSingleThreadExecutor(), scheduler)
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    assertThat(result.id()).isEqualTo(id);
    assertThat(calls).hasValue(3);
  }

  @Test
  void circuitOpensAfterRepeatedFailuresAndThenRejectsWithoutCalling() {
    ResilientRmsClient client =
        new ResilientRmsClient(
            client(
                () -> {
                  throw networkError();
                }),
            breaker(4),
            retry(1),
            retry(1));
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> client.call(c -> c.confirm(UUID.randomUUID())))
          .isInstanceOf(RetryableException.class);
    }
    assertThat(client.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThatThrownBy(() -> client.call(c -> c.confirm(UUID.randomUUID())))
        .isInstanceOf(CallNotPermittedException.class);
    assertThat(calls).hasValue(4);
  }

  @Test
  void createRefusesAMissingBaseUrlOrKey() {
    RmsClientProperties noUrl =
        new RmsClientProperties(
            null,
            "k",
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            new RmsClientProperties.Retry(3, 5, Duration.ofMillis(1), 2, Duration.ofSeconds(1)),
            new RmsClientProperties.CircuitBreaker(50, 10, Duration.ofSeconds(1)));
    assertThatThrownBy(() -> ResilientRmsClient.create(noUrl))
        .hasMessageContaining("rms.client.base-url");
  }
}
