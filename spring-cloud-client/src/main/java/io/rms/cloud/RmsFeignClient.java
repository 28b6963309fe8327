package io.rms.cloud;

import io.rms.api.AckResult;
import io.rms.api.BatchPrepareRequest;
import io.rms.api.BatchResult;
import io.rms.api.MessageIdsRequest;
import io.rms.api.MessageView;
import io.rms.api.NackRequest;
import io.rms.api.NackResult;
import io.rms.api.PrepareMessageRequest;
import io.rms.api.StatsView;
import io.rms.cloud.internal.RmsFeignClientConfiguration;
import java.util.UUID;
import org.springframework.cloud.openfeign.FeignClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;

/**
 * The REST API v1 (docs/openapi.json) as a Spring Cloud OpenFeign client. Inject it where a Spring
 * Cloud application has {@code spring-cloud-starter-openfeign}.
 *
 * <p>Found by service name {@code rms.client.service-id} (default {@code reliable-message-service})
 * through Spring Cloud LoadBalancer and the application's discovery client (Kubernetes, Consul,
 * Eureka, simple), or at a fixed {@code rms.client.base-url}. Every call sends {@code
 * Authorization: Bearer ${rms.client.api-key}}; a problem+json answer is thrown as {@link
 * io.rms.api.RmsApiException} with its stable code. Spring Cloud CircuitBreaker applies when {@code
 * spring.cloud.openfeign.circuitbreaker.enabled} is set, as for any Feign client.
 */
@FeignClient(
    contextId = "rmsFeignClient",
    name = "${rms.client.service-id:reliable-message-service}",
    url = "${rms.client.base-url:}",
    configuration = RmsFeignClientConfiguration.class)
public interface RmsFeignClient {

  /** Prepare: stores the message as PREPARED (201), or returns the same-key message (200). */
  @PostMapping("/api/v1/messages")
  MessageView prepare(@RequestBody PrepareMessageRequest request);

  /** Confirm a prepared message; idempotent; 409 if it was cancelled. */
  @PostMapping("/api/v1/messages/{id}/confirm")
  MessageView confirm(@PathVariable("id") UUID id);

  /** Cancel a prepared message; idempotent; 409 if it was confirmed. */
  @PostMapping("/api/v1/messages/{id}/cancel")
  MessageView cancel(@PathVariable("id") UUID id);

  /** Prepare and confirm in one step. */
  @PostMapping("/api/v1/messages/send")
  MessageView send(@RequestBody PrepareMessageRequest request);

  /** Prepare up to 1,000 messages; per-item results. */
  @PostMapping("/api/v1/messages/batch/prepare")
  BatchResult batchPrepare(@RequestBody BatchPrepareRequest request);

  /** Confirm up to 1,000 messages; per-item results. */
  @PostMapping("/api/v1/messages/batch/confirm")
  BatchResult batchConfirm(@RequestBody MessageIdsRequest request);

  /** Cancel up to 1,000 messages; per-item results. */
  @PostMapping("/api/v1/messages/batch/cancel")
  BatchResult batchCancel(@RequestBody MessageIdsRequest request);

  /** One message with its deliveries and events. */
  @GetMapping("/api/v1/messages/{id}")
  MessageView get(@PathVariable("id") UUID id);

  /** Acknowledge deliveries of one of the app's subscriptions; acking twice is fine. */
  @PostMapping("/api/v1/subscriptions/{name}/acks")
  AckResult ack(@PathVariable("name") String subscription, @RequestBody MessageIdsRequest request);

  /** Report that processing failed; retry (default) or give up (DEAD). */
  @PostMapping("/api/v1/subscriptions/{name}/nacks")
  NackResult nack(@PathVariable("name") String subscription, @RequestBody NackRequest request);

  /** Counts by status for the app's topics and subscriptions. */
  @GetMapping("/api/v1/stats")
  StatsView stats();
}
