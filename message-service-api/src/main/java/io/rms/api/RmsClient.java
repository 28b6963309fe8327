package io.rms.api;

import feign.Headers;
import feign.Param;
import feign.RequestLine;
import java.time.Instant;
import java.util.UUID;

/**
 * The REST API v1 as an OpenFeign client (plain Feign contract, so it needs no Spring). Build one
 * with {@link RmsClients#create}; every call authenticates with the app's API key.
 */
@Headers({"Content-Type: application/json", "Accept: application/json"})
public interface RmsClient {

  /** Prepare: stores the message as PREPARED (201), or returns the same-key message (200). */
  @RequestLine("POST /api/v1/messages")
  MessageView prepare(PrepareMessageRequest request);

  /** Confirm a prepared message; idempotent; 409 if it was cancelled. */
  @RequestLine("POST /api/v1/messages/{id}/confirm")
  MessageView confirm(@Param("id") UUID id);

  /** Cancel a prepared message; idempotent; 409 if it was confirmed. */
  @RequestLine("POST /api/v1/messages/{id}/cancel")
  MessageView cancel(@Param("id") UUID id);

  /** Prepare and confirm in one step. */
  @RequestLine("POST /api/v1/messages/send")
  MessageView send(PrepareMessageRequest request);

  /** Prepare up to 1,000 messages; per-item results. */
  @RequestLine("POST /api/v1/messages/batch/prepare")
  BatchResult batchPrepare(BatchPrepareRequest request);

  /** Confirm up to 1,000 messages; per-item results. */
  @RequestLine("POST /api/v1/messages/batch/confirm")
  BatchResult batchConfirm(MessageIdsRequest request);

  /** Cancel up to 1,000 messages; per-item results. */
  @RequestLine("POST /api/v1/messages/batch/cancel")
  BatchResult batchCancel(MessageIdsRequest request);

  /** One message with its deliveries and events. */
  @RequestLine("GET /api/v1/messages/{id}")
  MessageView get(@Param("id") UUID id);

  /** A keyset-paginated list of the app's messages, newest first. Null filters are left out. */
  @RequestLine(
      "GET /api/v1/messages?status={status}&topic={topic}&businessKey={businessKey}"
          + "&producerMessageId={producerMessageId}&createdFrom={createdFrom}"
          + "&createdTo={createdTo}&cursor={cursor}&limit={limit}")
  MessagePage list(
      @Param("status") MessageStatus status,
      @Param("topic") String topic,
      @Param("businessKey") String businessKey,
      @Param("producerMessageId") String producerMessageId,
      @Param("createdFrom") Instant createdFrom,
      @Param("createdTo") Instant createdTo,
      @Param("cursor") String cursor,
      @Param("limit") Integer limit);

  /** Acknowledge deliveries of one of the app's subscriptions; acking twice is fine. */
  @RequestLine("POST /api/v1/subscriptions/{name}/acks")
  AckResult ack(@Param("name") String subscription, MessageIdsRequest request);

  /** Report that processing failed; retry (default) or give up (DEAD). */
  @RequestLine("POST /api/v1/subscriptions/{name}/nacks")
  NackResult nack(@Param("name") String subscription, NackRequest request);

  /** Counts by status for the app's topics and subscriptions. */
  @RequestLine("GET /api/v1/stats")
  StatsView stats();
}
