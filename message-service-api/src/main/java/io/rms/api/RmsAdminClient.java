package io.rms.api;

import feign.Headers;
import feign.Param;
import feign.RequestLine;
import java.util.UUID;

/**
 * The operator part of the admin API as an OpenFeign client (plain Feign contract). Build one with
 * {@link RmsClients#createAdmin}; the API key must belong to an app with role OPERATOR or ADMIN.
 */
@Headers({"Content-Type: application/json", "Accept: application/json"})
public interface RmsAdminClient {

  /** COMMIT or ROLLBACK a PREPARED or IN_DOUBT message of any app; audited. */
  @RequestLine("POST /api/v1/admin/messages/{id}/resolve")
  MessageView resolve(@Param("id") UUID id, ResolveRequest request);

  /** Publish one delivery again, or up to a limit of a subscription's DEAD ones; audited. */
  @RequestLine("POST /api/v1/admin/deliveries/redeliver")
  RedeliverResult redeliver(RedeliverRequest request);

  /** Recent events, newest first; null filters are left out. */
  @RequestLine(
      "GET /api/v1/admin/events?messageId={messageId}&type={type}&cursor={cursor}&limit={limit}")
  AuditEventPage events(
      @Param("messageId") UUID messageId,
      @Param("type") String type,
      @Param("cursor") String cursor,
      @Param("limit") Integer limit);
}
