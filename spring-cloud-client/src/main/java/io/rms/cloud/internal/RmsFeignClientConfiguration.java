package io.rms.cloud.internal;

import feign.RequestInterceptor;
import feign.Response;
import feign.codec.ErrorDecoder;
import io.rms.api.ErrorCode;
import io.rms.api.RmsApiException;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The configuration of {@code RmsFeignClient} alone (it lives in the client's own Feign context, so
 * it is deliberately not a {@code @Configuration}: the bearer key never reaches the application's
 * other Feign clients).
 */
public class RmsFeignClientConfiguration {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** {@code Authorization: Bearer <rms.client.api-key>} on every call. */
  @Bean
  RequestInterceptor rmsBearerKey(@Value("${rms.client.api-key}") String apiKey) {
    return template -> template.header("Authorization", "Bearer " + apiKey);
  }

  /** A problem+json answer as {@link RmsApiException} with its stable code. */
  @Bean
  ErrorDecoder rmsProblems() {
    return RmsFeignClientConfiguration::decode;
  }

  static Exception decode(String methodKey, Response response) {
    String code = null;
    String detail = "HTTP " + response.status();
    if (response.body() != null) {
      try (InputStream in = response.body().asInputStream()) {
        JsonNode problem = JSON.readTree(in);
        code = problem.path("code").asString(null);
        detail = problem.path("detail").asString(detail);
      } catch (IOException | RuntimeException notProblemJson) {
        // keep the status alone
      }
    }
    ErrorCode errorCode = code == null ? ErrorCode.INTERNAL : ErrorCode.fromCode(code);
    return new RmsApiException(response.status(), errorCode, detail);
  }
}
