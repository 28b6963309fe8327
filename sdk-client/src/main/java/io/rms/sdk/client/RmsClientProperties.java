package io.rms.sdk.client;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How an SDK reaches the reliable message service ({@code rms.client.*}).
 *
 * @param baseUrl the service, e.g. {@code http://rms:8080}; the SDKs are off without it
 * @param apiKey this app's API key
 * @param connectTimeout TCP connect timeout of one call
 * @param readTimeout read timeout of one call
 * @param retry retry of failed calls (network errors, 5xx, 429, open circuit); 4xx is never retried
 * @param circuitBreaker when to stop calling a failing service for a while
 */
@ConfigurationProperties("rms.client")
public record RmsClientProperties(
    String baseUrl,
    String apiKey,
    @DefaultValue("2s") Duration connectTimeout,
    @DefaultValue("5s") Duration readTimeout,
    @DefaultValue Retry retry,
    @DefaultValue CircuitBreaker circuitBreaker) {

  /**
   * Exponential backoff between attempts of one call.
   *
   * @param maxAttempts attempts of a call made on the caller's thread (prepare, nack), first
   *     included
   * @param backgroundMaxAttempts attempts of a call made in the background (confirm, cancel, acks)
   * @param initialBackoff wait before the second attempt
   * @param multiplier growth of the wait per attempt
   * @param maxBackoff longest wait
   */
  public record Retry(
      @DefaultValue("3") int maxAttempts,
      @DefaultValue("12") int backgroundMaxAttempts,
      @DefaultValue("100ms") Duration initialBackoff,
      @DefaultValue("2.0") double multiplier,
      @DefaultValue("30s") Duration maxBackoff) {}

  /**
   * A count-based circuit breaker over all calls to the service.
   *
   * @param failureRateThreshold percentage of failed calls that opens the circuit
   * @param slidingWindowSize calls the failure rate is computed over
   * @param waitInOpenState how long an open circuit rejects calls before trying again
   */
  public record CircuitBreaker(
      @DefaultValue("50") float failureRateThreshold,
      @DefaultValue("20") int slidingWindowSize,
      @DefaultValue("10s") Duration waitInOpenState) {}
}
