package io.rms.service.apidocs;

import io.rms.api.ErrorCode;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The shared RFC 9457 problem+json schema and one response per HTTP status of refusals. */
final class ProblemSchema {
  static final String NAME = "Problem";
  static final String MEDIA_TYPE = "application/problem+json";

  private ProblemSchema() {}

  /** The schema: the RFC 9457 members plus {@code code}, an enum of every stable code. */
  static Schema<?> schema() {
    StringSchema code = new StringSchema();
    code.description(
        "The stable error code: clients switch on it, never on `title` or `detail`. Each code"
            + " has one HTTP status.");
    code.setEnum(Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList());
    Schema<?> problem =
        new ObjectSchema()
            .description("An RFC 9457 problem detail with the service's stable `code`.")
            .addProperty(
                "type",
                new StringSchema().description("Always `about:blank`.").example("about:blank"))
            .addProperty("title", new StringSchema().description("The HTTP status' phrase."))
            .addProperty(
                "status", new IntegerSchema().description("The HTTP status code.").example(404))
            .addProperty(
                "detail", new StringSchema().description("What was wrong, for a human reader."))
            .addProperty(
                "instance", new StringSchema().description("The request path that was refused."))
            .addProperty("code", code);
    problem.setRequired(List.of("status", "code"));
    return problem;
  }

  /**
   * The response of one HTTP status for the given codes, each code an example with a typical
   * detail.
   */
  static ApiResponse response(int status, List<ErrorCode> codes, String path) {
    Map<String, Example> examples = new LinkedHashMap<>();
    for (ErrorCode code : codes) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("type", "about:blank");
      body.put("title", title(status));
      body.put("status", status);
      body.put("detail", Refusals.detail(code));
      body.put("instance", path);
      body.put("code", code.code());
      examples.put(code.code(), new Example().summary(Refusals.when(code)).value(body));
    }
    StringBuilder description = new StringBuilder();
    for (ErrorCode code : codes) {
      description
          .append(description.isEmpty() ? "" : "; ")
          .append('`')
          .append(code.code())
          .append("`: ")
          .append(Refusals.when(code));
    }
    return new ApiResponse()
        .description(description.toString())
        .content(
            new Content()
                .addMediaType(
                    MEDIA_TYPE,
                    new MediaType()
                        .schema(new Schema<>().$ref("#/components/schemas/" + NAME))
                        .examples(examples)));
  }

  private static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Content";
      case 429 -> "Too Many Requests";
      case 503 -> "Service Unavailable";
      default -> "Internal Server Error";
    };
  }
}
