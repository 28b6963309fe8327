package io.rms.sdk.client;

import feign.Request;
import feign.RetryableException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.rms.api.RmsApiException;
import io.rms.api.RmsClient;
import io.rms.api.RmsClients;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The service's {@link RmsClient} behind one circuit breaker, with two retry policies: a short one
 * for calls the caller waits for, and a long one for background calls (which never block a caller;
 * their backoff runs on a scheduler).
 *
 * <p>Only transient failures are retried and counted by the circuit breaker: network errors, 5xx,
 * 429 and an open circuit. A 4xx answer is the service's final word and is thrown at once. Callers
 * must only retry idempotent calls through this class (the SDKs give every prepare a
 * producerMessageId for that reason).
 */
public final class ResilientRmsClient {
  private final RmsClient client;
  private final CircuitBreaker circuitBreaker;
  private final Retry foreground;
  private final Retry background;

  public ResilientRmsClient(
      RmsClient client, CircuitBreaker circuitBreaker, Retry foreground, Retry background) {
    this.client = client;
    this.circuitBreaker = circuitBreaker;
    this.foreground = foreground;
    this.background = background;
  }

  /** A client configured from {@code rms.client.*}. */
  public static ResilientRmsClient create(RmsClientProperties properties) {
    if (properties.baseUrl() == null || properties.apiKey() == null) {
      throw new IllegalStateException("rms.client.base-url and rms.client.api-key are required");
    }
    RmsClient client =
        RmsClients.builder(properties.apiKey())
            .options(
                new Request.Options(
                    properties.connectTimeout().toMillis(),
                    TimeUnit.MILLISECONDS,
                    properties.readTimeout().toMillis(),
                    TimeUnit.MILLISECONDS,
                    false))
            .target(RmsClient.class, properties.baseUrl());
    RmsClientProperties.CircuitBreaker cb = properties.circuitBreaker();
    CircuitBreaker breaker =
        CircuitBreaker.of(
            "rms",
            CircuitBreakerConfig.custom()
                .failureRateThreshold(cb.failureRateThreshold())
                .slidingWindowSize(cb.slidingWindowSize())
                .minimumNumberOfCalls(Math.min(cb.slidingWindowSize(), 10))
                .waitDurationInOpenState(cb.waitInOpenState())
                .recordException(ResilientRmsClient::isTransient)
                .build());
    RmsClientProperties.Retry r = properties.retry();
    return new ResilientRmsClient(
        client,
        breaker,
        retry("rms-foreground", r.maxAttempts(), r),
        retry("rms-background", r.backgroundMaxAttempts(), r));
  }

  private static Retry retry(String name, int attempts, RmsClientProperties.Retry r) {
    return Retry.of(
        name,
        RetryConfig.custom()
            .maxAttempts(Math.max(1, attempts))
            .intervalFunction(
                IntervalFunction.ofExponentialBackoff(
                    r.initialBackoff(), r.multiplier(), r.maxBackoff()))
            .retryOnException(ResilientRmsClient::isTransient)
            .build());
  }

  /** True for failures worth another attempt: network, 5xx, 429, open circuit. */
  public static boolean isTransient(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof RmsApiException api) {
      return api.status() >= 500 || api.status() == 429;
    }
    return e instanceof RetryableException || e instanceof CallNotPermittedException;
  }

  /** The raw client (no retry, no circuit breaker). */
  public RmsClient raw() {
    return client;
  }

  /** The circuit breaker in front of the service. */
  public CircuitBreaker circuitBreaker() {
    return circuitBreaker;
  }

  /** Runs {@code call} on this thread, retrying transient failures with the short policy. */
  public <T> T call(Function<RmsClient, T> call) {
    return Retry.decorateSupplier(
            foreground, CircuitBreaker.decorateSupplier(circuitBreaker, () -> call.apply(client)))
        .get();
  }

  /**
   * Runs {@code call} on {@code executor}, retrying transient failures with the long policy; the
   * waits between attempts hold no thread.
   */
  public <T> CompletionStage<T> callInBackground(
      Function<RmsClient, T> call, Executor executor, ScheduledExecutorService scheduler) {
    return Retry.decorateCompletionStage(
            background,
            scheduler,
            () ->
                CompletableFuture.supplyAsync(
                    CircuitBreaker.decorateSupplier(circuitBreaker, () -> call.apply(client)),
                    executor))
        .get();
  }
}
