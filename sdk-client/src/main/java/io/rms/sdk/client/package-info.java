/**
 * What the producer and consumer SDKs share: the {@code rms.client.*} settings and the service's
 * Feign client wrapped in Resilience4j retry and circuit breaker.
 */
package io.rms.sdk.client;
