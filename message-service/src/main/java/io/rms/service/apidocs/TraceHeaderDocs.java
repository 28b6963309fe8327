package io.rms.service.apidocs;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.parameters.Parameter;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;

/**
 * Describes the W3C trace context headers of prepare, send and batch prepare (docs/tracing.md),
 * wherever the controllers declare them.
 */
final class TraceHeaderDocs implements OpenApiCustomizer {
  private static final Map<String, String> DESCRIPTIONS =
      Map.of(
          "traceparent",
          "W3C trace context of the call's messages (`00-<32 hex trace id>-<16 hex parent id>-<2"
              + " hex flags>`): stored with each message that names none in its body, sent with"
              + " its deliveries, shown as `traceId`. A malformed value is ignored, not refused.",
          "tracestate",
          "W3C vendor list that goes with `traceparent` (kept when printable, at most 512"
              + " characters).");

  @Override
  public void customise(OpenAPI openApi) {
    openApi
        .getPaths()
        .values()
        .forEach(
            path ->
                path.readOperations().stream()
                    .filter(operation -> operation.getParameters() != null)
                    .flatMap(operation -> operation.getParameters().stream())
                    .filter(p -> "header".equals(p.getIn()))
                    .forEach(TraceHeaderDocs::describe));
  }

  private static void describe(Parameter parameter) {
    String description = DESCRIPTIONS.get(parameter.getName());
    if (description != null) {
      parameter.setDescription(description);
    }
  }
}
