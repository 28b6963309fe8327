package io.rms.service.web;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON mapper of the web layer reads documents no longer than the request limit ({@link
 * RequestSizeLimit}): a second bound, should a body ever reach the parser past the filter. Spring
 * Boot's builder is replaced (its customizers still apply) because the stream read constraints
 * belong to the factory the builder is made with.
 */
@Configuration(proxyBeanMethods = false)
class JsonLimits {

  @Bean
  @Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
  JsonMapper.Builder jsonMapperBuilder(
      RequestSizeLimit requestSizeLimit, ObjectProvider<JsonMapperBuilderCustomizer> customizers) {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder().maxDocumentLength(requestSizeLimit.limit()).build())
            .build();
    JsonMapper.Builder builder = new JsonMapper.Builder(factory);
    customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
    return builder;
  }
}
