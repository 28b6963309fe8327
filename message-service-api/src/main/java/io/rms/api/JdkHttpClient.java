package io.rms.api;

import feign.Client;
import feign.Request;
import feign.Response;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A Feign {@link Client} on the JDK's {@link HttpClient}. Feign's default client is built on {@code
 * HttpURLConnection}, which refuses the method {@code PATCH} (the admin API changes a subscription
 * with it) and Feign's clients for other HTTP libraries bring those libraries; this one needs
 * nothing beyond Java 17. HTTP/1.1, as the default client; the per-call read timeout bounds the
 * whole exchange, the connect timeout is the builder's.
 */
final class JdkHttpClient implements Client {
  /** Headers the JDK client sets itself and refuses from the caller. */
  private static final Set<String> OWN_HEADERS =
      Set.of("connection", "content-length", "expect", "host", "upgrade");

  private final HttpClient http;

  JdkHttpClient(Duration connectTimeout) {
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public Response execute(Request request, Request.Options options) throws IOException {
    byte[] body = request.body();
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(request.url()))
            .timeout(Duration.ofMillis(options.readTimeoutMillis()))
            .method(
                request.httpMethod().name(),
                body == null || body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    request
        .headers()
        .forEach(
            (name, values) -> {
              if (!OWN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> builder.header(name, value));
              }
            });
    HttpResponse<byte[]> response;
    try {
      response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted during " + request.httpMethod());
    }
    Map<String, Collection<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    response.headers().map().forEach((name, values) -> headers.put(name, values));
    return Response.builder()
        .status(response.statusCode())
        .headers(headers)
        .body(response.body())
        .request(request)
        .build();
  }
}
