package io.rms.service.apidocs;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The document's header (title, the project version from the build, description, license, the
 * bearer scheme, tags) and the customizer that completes each operation.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocsConfig {
  static final String DESCRIPTION =
      """
      **My database change and my message happen together, or not at all — without XA.**

      A producer *prepares* a message (stored as `PREPARED`, invisible to consumers), runs its \
      local transaction, then *confirms* it after the commit or *cancels* it after a rollback. \
      The service publishes every confirmed message through RabbitMQ to each subscription of \
      its topic, tracks each consumer's acknowledgement and redelivers what is not \
      acknowledged. A producer that never decides is asked by a signed *check-back*.

      **Authentication:** every call takes `Authorization: Bearer <api-key>`. An app sees and \
      changes only its own messages (another app's id answers 404) and acks only its own \
      subscriptions (403). The `admin:` operations need the role OPERATOR or ADMIN.

      **Errors** are RFC 9457 `application/problem+json` with a stable `code` (the `Problem` \
      schema): switch on `code`, never on `title` or `detail`. A refused request changes \
      nothing.

      **Consumers** receive messages from the RabbitMQ queue `rms.sub.<subscription>` (AMQP \
      `message_id` = the message id, headers `x-rms-*`) and acknowledge them through this API \
      as well as to the broker: see `docs/amqp.md` in the project.""";

  @Bean
  OpenAPI rmsOpenApi(
      ObjectProvider<BuildProperties> build,
      @Value("${rms.api-docs.license.name:Apache-2.0}") String licenseName,
      @Value("${rms.api-docs.license.url:https://www.apache.org/licenses/LICENSE-2.0}")
          String licenseUrl) {
    BuildProperties properties = build.getIfAvailable();
    String version = properties == null ? "unknown" : properties.getVersion();
    return new OpenAPI()
        .info(
            new Info()
                .title("Reliable Message Service API")
                .version(version)
                .description(DESCRIPTION)
                .license(new License().name(licenseName).url(licenseUrl)))
        .servers(List.of(new Server().url("/").description("this service")))
        .components(
            new Components()
                .addSecuritySchemes(
                    OperationDocs.BEARER,
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description(
                            "The app's API key: `Authorization: Bearer <api-key>`. In Swagger UI"
                                + " press Authorize and paste the key alone.")))
        .tags(
            List.of(
                new Tag()
                    .name(ApiOperations.MESSAGES)
                    .description("The producer's calls: prepare, confirm, cancel, send, read."),
                new Tag()
                    .name(ApiOperations.CONSUMING)
                    .description(
                        "The consumer's calls: acknowledge or reject what it received from its"
                            + " subscription's queue."),
                new Tag().name(ApiOperations.STATS).description("Counts for the calling app."),
                new Tag()
                    .name(ApiOperations.OPERATOR)
                    .description(
                        "Operator actions (role OPERATOR or ADMIN): resolve, redeliver, discard,"
                            + " audit, held ordering keys."),
                new Tag()
                    .name(ApiOperations.REGISTRY)
                    .description("The registry of apps and subscriptions (role ADMIN).")));
  }

  @Bean
  OpenApiCustomizer rmsOperationDocs() {
    return new OperationDocs();
  }

  @Bean
  OpenApiCustomizer rmsTraceHeaderDocs() {
    return new TraceHeaderDocs();
  }
}
