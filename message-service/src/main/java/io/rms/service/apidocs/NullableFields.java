package io.rms.service.apidocs;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The response fields that are sent as {@code null} when they have no value (the records carry them
 * always), marked as such in the document's schemas so clients and examples agree.
 */
final class NullableFields {
  private static final Map<String, List<String>> FIELDS =
      Map.of(
          "MessageView",
          List.of(
              "producerMessageId",
              "businessKey",
              "orderingKey",
              "deliverAfter",
              "confirmedAt",
              "finishedAt",
              "traceId"),
          "DeliveryView",
          List.of("nextAttemptAt", "ackDeadline", "ackedAt", "lastError"),
          "EventView",
          List.of("subscription"),
          "AuditEvent",
          List.of("messageId", "subscription"),
          "MessagePage",
          List.of("nextCursor"),
          "AuditEventPage",
          List.of("nextCursor"),
          "NackResult",
          List.of("nextAttemptAt"),
          "AppView",
          List.of("checkBackUrl"),
          "StatsView",
          List.of("oldestPreparedAgeSeconds", "oldestUnackedAgeSeconds"),
          "PulledDelivery",
          List.of("sequence"));

  private NullableFields() {}

  static void mark(OpenAPI openApi) {
    Map<String, Schema> schemas = openApi.getComponents().getSchemas();
    FIELDS.forEach(
        (schemaName, fields) -> {
          Schema<?> schema = schemas.get(schemaName);
          if (schema == null) {
            throw new IllegalStateException("no schema " + schemaName + " in the document");
          }
          for (String field : fields) {
            Schema<?> property = schema.getProperties().get(field);
            if (property == null) {
              throw new IllegalStateException("no property " + schemaName + "." + field);
            }
            Set<String> types = new LinkedHashSet<>();
            if (property.getTypes() != null) {
              types.addAll(property.getTypes());
            } else if (property.getType() != null) {
              types.add(property.getType());
            }
            types.add("null");
            property.setTypes(types);
          }
        });
  }
}
