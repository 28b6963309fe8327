package io.rms.service.apidocs;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.api.ErrorCode;
import io.rms.service.testing.Api;
import io.rms.service.testing.IntegrationTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.info.BuildProperties;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document as the running service serves it: written for the linter ({@code .ci/run}
 * lints {@code target/openapi/openapi.json} with Redocly CLI) and kept equal to the published
 * {@code docs/openapi.json}.
 */
class OpenApiDocumentTest extends IntegrationTest {
  @Autowired BuildProperties build;

  static final Path SERVED = Paths.get("target", "openapi", "openapi.json");
  static final Path PUBLISHED = Paths.get("..", "docs", "openapi.json");
  static final String REGENERATE =
      "RMS_OPENAPI_UPDATE=1 ./mvnw -q -B -ntp -pl message-service -am verify"
          + " -Dtest=OpenApiDocumentTest -Dsurefire.failIfNoSpecifiedTests=false";

  private JsonNode served() {
    Api.Response r = new Api(port, null).get("/v3/api-docs");
    assertThat(r.status()).isEqualTo(200);
    return r.body();
  }

  private static String pretty(JsonNode document) {
    return Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document) + "\n";
  }

  @Test
  void theServedDocumentIsWrittenForTheLinter() throws IOException {
    JsonNode document = served();
    Files.createDirectories(SERVED.getParent());
    Files.writeString(SERVED, pretty(document), StandardCharsets.UTF_8);
    assertThat(document.path("paths").has("/api/v1/messages")).isTrue();
  }

  @Test
  void everyApiOperationNeedsTheBearerKeyAndDescribesItsRulesAndRefusals() {
    JsonNode document = served();
    assertThat(document.at("/components/securitySchemes/bearerAuth/scheme").asString())
        .isEqualTo("bearer");
    assertThat(document.at("/info/version").asString()).isEqualTo(projectVersion());
    int operations = 0;
    for (var path : document.path("paths").properties()) {
      for (var operation : path.getValue().properties()) {
        String where = operation.getKey() + " " + path.getKey();
        JsonNode op = operation.getValue();
        assertThat(op.at("/security/0/bearerAuth").isArray()).as(where).isTrue();
        assertThat(op.path("summary").asString()).as(where).isNotBlank();
        assertThat(op.path("description").asString()).as(where).hasSizeGreaterThan(80);
        assertThat(op.at("/responses/401/content/application~1problem+json/schema/$ref").asString())
            .as(where)
            .isEqualTo("#/components/schemas/Problem");
        operations++;
      }
    }
    assertThat(operations).isEqualTo(33);
  }

  @Test
  void prepareAndSendAnswer201AndTheirIdempotentRepeat200() {
    JsonNode paths = served().path("paths");
    for (String path : new String[] {"/api/v1/messages", "/api/v1/messages/send"}) {
      JsonNode responses = paths.path(path).path("post").path("responses");
      assertThat(responses.has("201")).as(path).isTrue();
      assertThat(responses.has("200")).as(path).isTrue();
      assertThat(
              responses
                  .at("/409/content/application~1problem+json/examples")
                  .has("idempotency-conflict"))
          .as(path)
          .isTrue();
      assertThat(responses.has("422")).as(path).isTrue();
    }
    JsonNode confirm = paths.at("/~1api~1v1~1messages~1{id}~1confirm/post/responses");
    assertThat(confirm.has("201")).isFalse();
    assertThat(
            confirm.at("/409/content/application~1problem+json/examples").has("illegal-transition"))
        .isTrue();
  }

  @Test
  void theProblemCodeIsAnEnumOfEveryStableCode() {
    JsonNode codes = served().at("/components/schemas/Problem/properties/code/enum");
    List<String> documented = new ArrayList<>();
    codes.forEach(code -> documented.add(code.asString()));
    assertThat(documented)
        .containsExactlyElementsOf(Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList());
  }

  @Test
  void adminOperationsAreTaggedApart() {
    JsonNode paths = served().path("paths");
    for (var path : paths.properties()) {
      for (var operation : path.getValue().properties()) {
        String tag = operation.getValue().at("/tags/0").asString();
        assertThat(tag.startsWith("admin: "))
            .as(operation.getKey() + " " + path.getKey() + " tagged " + tag)
            .isEqualTo(path.getKey().startsWith("/api/v1/admin/"));
      }
    }
  }

  @Test
  void swaggerUiIsServedWithoutAKeyAndReadsTheDocument() {
    Api anonymous = new Api(port, null);
    Api.Response page = anonymous.get("/swagger-ui/index.html");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.raw()).contains("swagger-ui");
    Api.Response config = anonymous.get("/v3/api-docs/swagger-config");
    assertThat(config.status()).isEqualTo(200);
    assertThat(config.text("url")).isEqualTo("/v3/api-docs");
    assertThat(config.body().path("persistAuthorization").asBoolean()).isTrue();
  }

  private String projectVersion() {
    return build.getVersion();
  }

  @Test
  void thePublishedDocumentEqualsTheServedOne() throws IOException {
    JsonNode document = served();
    if ("1".equals(System.getenv("RMS_OPENAPI_UPDATE"))) {
      Files.writeString(PUBLISHED, pretty(document), StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(PUBLISHED))
        .as("docs/openapi.json is missing; write it with: " + REGENERATE)
        .isTrue();
    JsonNode published = Api.JSON.readTree(Files.readString(PUBLISHED, StandardCharsets.UTF_8));
    assertThat(firstDifference("", published, document))
        .as(
            "docs/openapi.json differs from what the service serves at /v3/api-docs;"
                + " regenerate it with: "
                + REGENERATE)
        .isNull();
  }

  /** The JSON pointer of the first difference and both values there, or null when equal. */
  static String firstDifference(String at, JsonNode published, JsonNode served) {
    if (published.equals(served)) {
      return null;
    }
    if (published.isObject() && served.isObject()) {
      java.util.Set<String> names = new java.util.TreeSet<>(published.propertyNames());
      names.addAll(served.propertyNames());
      for (String name : names) {
        String difference =
            firstDifference(
                at + "/" + name.replace("~", "~0").replace("/", "~1"),
                published.path(name),
                served.path(name));
        if (difference != null) {
          return difference;
        }
      }
    }
    if (published.isArray() && served.isArray() && published.size() == served.size()) {
      for (int i = 0; i < published.size(); i++) {
        String difference = firstDifference(at + "/" + i, published.get(i), served.get(i));
        if (difference != null) {
          return difference;
        }
      }
    }
    return "at "
        + (at.isEmpty() ? "/" : at)
        + ": published "
        + abbreviated(published)
        + ", served "
        + abbreviated(served);
  }

  private static String abbreviated(JsonNode node) {
    String text = node.isMissingNode() ? "(missing)" : node.toString();
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }
}
