package io.rms.e2e.model;

import io.rms.e2e.ModelCluster;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Creates, deactivates, activates and moves the test's subscription, as an admin does: through the
 * dashboard's forms (logged in, CSRF token from the page), on the replica the step names. The one
 * place to switch to the admin REST API for subscriptions. Every answer goes through {@link
 * #check}: a 5xx is a violation; whether the change was applied is read back from the database by
 * the caller.
 */
final class SubscriptionAdmin {
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  private final int[] ports;
  private final History history;
  private final HttpClient[] browsers;

  /** The subscription's settings: short, so that timeouts and backoffs happen in seconds. */
  record Settings(int ackTimeoutSeconds, int maxAttempts, int backoffInitial, int backoffMax) {}

  SubscriptionAdmin(int[] ports, History history) {
    this.ports = ports;
    this.history = history;
    this.browsers = new HttpClient[ports.length];
  }

  /** Creates the ordered subscription {@code name} on {@code topic}, owned by the consumer app. */
  int create(int replica, String name, String topic, Settings s) {
    Map<String, String> form = form(name, topic, s, true);
    form.put("name", name);
    return submit(
        replica, "/dashboard/admin/subscriptions/new", "/dashboard/admin/subscriptions", form);
  }

  /**
   * Saves the subscription with {@code topic} and {@code active} (its other settings unchanged).
   */
  int save(int replica, String name, String topic, Settings s, boolean active) {
    return submit(
        replica,
        "/dashboard/admin/subscriptions/" + name,
        "/dashboard/admin/subscriptions/" + name,
        form(name, topic, s, active));
  }

  /** Deactivates or activates it (the list page's button). */
  int setActive(int replica, String name, boolean active) {
    return submit(
        replica,
        "/dashboard/admin/subscriptions",
        "/dashboard/admin/subscriptions/" + name + "/active",
        new LinkedHashMap<>(Map.of("active", Boolean.toString(active))));
  }

  private static Map<String, String> form(String name, String topic, Settings s, boolean active) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("topic", topic);
    form.put("app", ModelCluster.CONSUMER_APP);
    form.put("queue", "");
    form.put("ackTimeoutSeconds", Integer.toString(s.ackTimeoutSeconds()));
    form.put("maxAttempts", Integer.toString(s.maxAttempts()));
    form.put("backoffInitialSeconds", Integer.toString(s.backoffInitial()));
    form.put("backoffMultiplier", "2.0");
    form.put("backoffMaxSeconds", Integer.toString(s.backoffMax()));
    form.put("ordered", "true");
    form.put("active", Boolean.toString(active));
    return form;
  }

  /** Posts the form with the page's CSRF token, logging in first if needed; the status. */
  private int submit(int replica, String page, String path, Map<String, String> form) {
    for (int attempt = 0; attempt < 2; attempt++) {
      HttpResponse<String> pageAnswer = send(replica, get(replica, page));
      Matcher m = CSRF.matcher(pageAnswer == null ? "" : pageAnswer.body());
      if (pageAnswer == null || pageAnswer.statusCode() == 302 || !m.find()) {
        if (pageAnswer == null || !login(replica)) {
          return pageAnswer == null ? -1 : check(replica, "GET " + page, pageAnswer);
        }
        continue;
      }
      Map<String, String> withToken = new LinkedHashMap<>(form);
      withToken.put("_csrf", m.group(1));
      HttpResponse<String> answer = send(replica, post(replica, path, withToken));
      return answer == null ? -1 : check(replica, "POST " + path, answer);
    }
    return -1;
  }

  private boolean login(int replica) {
    browsers[replica] =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    HttpResponse<String> page = send(replica, get(replica, "/dashboard/login"));
    if (page == null) {
      return false;
    }
    Matcher m = CSRF.matcher(page.body());
    if (!m.find()) {
      return false;
    }
    Map<String, String> form = new LinkedHashMap<>();
    form.put("username", ModelCluster.ADMIN_USER);
    form.put("password", ModelCluster.ADMIN_PASSWORD);
    form.put("_csrf", m.group(1));
    HttpResponse<String> answer = send(replica, post(replica, "/dashboard/login", form));
    return answer != null
        && answer.statusCode() == 302
        && !answer.headers().firstValue("Location").orElse("").contains("error");
  }

  private int check(int replica, String what, HttpResponse<String> answer) {
    if (answer.statusCode() >= 500) {
      history.violation(
          "dashboard "
              + what
              + " on replica "
              + (replica + 1)
              + " answered "
              + answer.statusCode());
    }
    return answer.statusCode();
  }

  private HttpRequest get(int replica, String path) {
    return HttpRequest.newBuilder(uri(replica, path)).timeout(Duration.ofSeconds(15)).GET().build();
  }

  private HttpRequest post(int replica, String path, Map<String, String> form) {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return HttpRequest.newBuilder(uri(replica, path))
        .timeout(Duration.ofSeconds(15))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private URI uri(int replica, String path) {
    return URI.create("http://127.0.0.1:" + ports[replica] + path);
  }

  private HttpResponse<String> send(int replica, HttpRequest request) {
    if (browsers[replica] == null && !request.uri().getPath().equals("/dashboard/login")) {
      if (!login(replica)) {
        return null;
      }
    }
    try {
      return browsers[replica].send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
