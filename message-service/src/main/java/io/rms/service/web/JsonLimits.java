package io.rms.service.web;

import io.rms.api.PrepareMessageRequest;
import io.rms.service.config.RmsProperties;
import io.rms.service.message.PayloadDeserializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON mapper of the web layer reads request bodies within limits, so that no body can make it
 * hold more than a small multiple of the body's bytes:
 *
 * <ul>
 *   <li>documents no longer than the request limit ({@link RequestSizeLimit}): a second bound,
 *       should a body ever reach the parser past the filter;
 *   <li>nesting at most {@value #MAX_NESTING} deep;
 *   <li>at most one token per two bytes of the request limit;
 *   <li>strings (and names) of at most twice the payload limit in characters: a longer one is over
 *       the payload limit whatever the content type (base64 takes 4 characters per 3 bytes);
 *   <li>the {@code payload} of prepare, send and batch items read by {@link PayloadDeserializer}:
 *       its compact bytes, not a tree of objects, and no more than the payload limit of them.
 * </ul>
 *
 * Spring Boot's builder is replaced (its customizers still apply) because the stream read
 * constraints belong to the factory the builder is made with.
 */
@Configuration(proxyBeanMethods = false)
class JsonLimits {
  static final int MAX_NESTING = 100;

  @Bean
  @Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
  JsonMapper.Builder jsonMapperBuilder(
      RequestSizeLimit requestSizeLimit,
      RmsProperties properties,
      ObjectProvider<JsonMapperBuilderCustomizer> customizers) {
    long payloadMax = properties.payloadMaxBytes();
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxDocumentLength(requestSizeLimit.limit())
                    .maxNestingDepth(MAX_NESTING)
                    .maxTokenCount(requestSizeLimit.limit() / 2)
                    .maxStringLength((int) Math.min(Integer.MAX_VALUE, payloadMax * 2))
                    .build())
            .build();
    JsonMapper.Builder builder = new JsonMapper.Builder(factory);
    builder.addMixIn(PrepareMessageRequest.class, StreamedPayload.class);
    builder.defaultAttributes(
        builder.defaultAttributes().withSharedAttribute(PayloadDeserializer.LIMIT, payloadMax));
    customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
    return builder;
  }

  /** Reads {@link PrepareMessageRequest#payload()} with {@link PayloadDeserializer}. */
  abstract static class StreamedPayload {
    @JsonDeserialize(using = PayloadDeserializer.class)
    abstract Object payload();
  }
}
