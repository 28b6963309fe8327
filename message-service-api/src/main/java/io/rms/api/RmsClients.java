package io.rms.api;

import feign.Feign;
import feign.Request;
import feign.Response;
import feign.Util;
import feign.codec.ErrorDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds a ready {@link RmsClient}: JSON (Jackson 3) codec, bearer authentication, problem+json
 * errors as {@link RmsApiException}. Needs Jackson 3 on the class path.
 */
public final class RmsClients {
  private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([a-z-]+)\"");
  private static final Pattern DETAIL =
      Pattern.compile("\"detail\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  private RmsClients() {}

  /** A client for the service at {@code baseUrl} (e.g. {@code http://localhost:8080}). */
  public static RmsClient create(String baseUrl, String apiKey) {
    return builder(apiKey).target(RmsClient.class, baseUrl);
  }

  /**
   * An admin client (operator actions, audit, apps and subscriptions) for the service at {@code
   * baseUrl}. It sends over the JDK's HTTP client: Feign's default client cannot send the {@code
   * PATCH} that changes a subscription.
   */
  public static RmsAdminClient createAdmin(String baseUrl, String apiKey) {
    return builder(apiKey)
        .client(new JdkHttpClient(CONNECT_TIMEOUT))
        .target(RmsAdminClient.class, baseUrl);
  }

  /** A Feign builder with codec, authentication, timeouts and error decoding set up. */
  public static Feign.Builder builder(String apiKey) {
    JsonMapper mapper = JsonMapper.builder().findAndAddModules().build();
    return Feign.builder()
        .encoder(new JsonCodec(mapper))
        .decoder(new JsonCodec(mapper))
        .errorDecoder(new ProblemErrorDecoder())
        .requestInterceptor(template -> template.header("Authorization", "Bearer " + apiKey))
        .options(new Request.Options(CONNECT_TIMEOUT, READ_TIMEOUT, false));
  }

  /** Turns a problem+json answer into an {@link RmsApiException}. */
  static final class ProblemErrorDecoder implements ErrorDecoder {
    @Override
    public Exception decode(String methodKey, Response response) {
      String body = "";
      try {
        if (response.body() != null) {
          body = Util.toString(response.body().asReader(StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        body = "";
      }
      Matcher code = CODE.matcher(body);
      Matcher detail = DETAIL.matcher(body);
      return new RmsApiException(
          response.status(),
          code.find() ? ErrorCode.fromCode(code.group(1)) : ErrorCode.INTERNAL,
          detail.find() ? detail.group(1) : response.reason());
    }
  }
}
