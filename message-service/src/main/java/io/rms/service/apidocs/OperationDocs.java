package io.rms.service.apidocs;

import io.rms.api.ErrorCode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springdoc.core.customizers.OpenApiCustomizer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Completes every {@code /api/v1} operation springdoc generated from the controllers with its
 * {@link ApiOperations} entry: id, tag, summary, rules, the real success statuses, the bearer
 * requirement, every problem answer and examples. An operation without an entry fails the start.
 */
final class OperationDocs implements OpenApiCustomizer {
  static final String BEARER = "bearerAuth";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final List<ErrorCode> EVERY_CALL =
      List.of(ErrorCode.UNAUTHENTICATED, ErrorCode.TOO_MANY_FAILED_AUTH, ErrorCode.UNAVAILABLE);

  @Override
  public void customise(OpenAPI openApi) {
    // added here: springdoc rebuilds the components' schemas from the controllers' types
    openApi.getComponents().addSchemas(ProblemSchema.NAME, ProblemSchema.schema());
    NullableFields.mark(openApi);
    List<String> missing = new ArrayList<>();
    openApi
        .getPaths()
        .forEach(
            (path, item) -> {
              if (!path.startsWith("/api/v1/")) {
                return;
              }
              item.readOperationsMap()
                  .forEach(
                      (method, operation) ->
                          ApiOperations.of(method.name(), path)
                              .ifPresentOrElse(
                                  doc -> complete(path, operation, doc),
                                  () -> missing.add(method + " " + path)));
            });
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "operations without an entry in ApiOperations (document them there): " + missing);
    }
  }

  private static void complete(String path, Operation operation, OperationDoc doc) {
    operation
        .operationId(doc.operationId())
        .tags(List.of(doc.tag()))
        .summary(doc.summary())
        .description(doc.description())
        .security(List.of(new SecurityRequirement().addList(BEARER)));
    if (doc.requestExample() != null && operation.getRequestBody() != null) {
      MediaType json = operation.getRequestBody().getContent().get("application/json");
      json.setExamples(Map.of("example", new Example().value(parse(doc.requestExample()))));
      operation.getRequestBody().required(true);
    }
    operation.setResponses(responses(path, operation.getResponses(), doc));
  }

  private static ApiResponses responses(String path, ApiResponses generated, OperationDoc doc) {
    Content body = generated.get("200").getContent();
    ApiResponses responses = new ApiResponses();
    boolean first = true;
    for (Map.Entry<Integer, String> success : doc.successes().entrySet()) {
      Content content = copy(body);
      if (first && doc.responseExample() != null) {
        content
            .get("application/json")
            .setExamples(Map.of("example", new Example().value(parse(doc.responseExample()))));
      }
      responses.addApiResponse(
          String.valueOf(success.getKey()),
          new ApiResponse().description(success.getValue()).content(content));
      first = false;
    }
    Map<Integer, List<ErrorCode>> byStatus = new TreeMap<>();
    for (ErrorCode code : doc.problems()) {
      byStatus.computeIfAbsent(code.httpStatus(), s -> new ArrayList<>()).add(code);
    }
    for (ErrorCode code : EVERY_CALL) {
      byStatus.computeIfAbsent(code.httpStatus(), s -> new ArrayList<>()).add(code);
    }
    byStatus.forEach(
        (status, codes) ->
            responses.addApiResponse(
                String.valueOf(status), ProblemSchema.response(status, codes, path)));
    return responses;
  }

  private static Content copy(Content generated) {
    Content content = new Content();
    generated.forEach(
        (type, media) -> content.addMediaType(type, new MediaType().schema(media.getSchema())));
    return content;
  }

  private static Object parse(String json) {
    return JSON.readValue(json, Object.class);
  }
}
