package io.rms.service.testing;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A cookie-keeping HTTP client for the dashboard, like a browser without JavaScript: it logs in
 * through the form, reads CSRF tokens from the pages and posts forms. Redirects are not followed,
 * so tests see them.
 */
public final class DashboardClient {
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  private final int port;
  private final HttpClient http;

  public DashboardClient(int port) {
    this(
        port,
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build());
  }

  private DashboardClient(int port, HttpClient http) {
    this.port = port;
    this.http = http;
  }

  /** The same browser (same cookies) talking to another instance of the service. */
  public DashboardClient at(int otherPort) {
    return new DashboardClient(otherPort, http);
  }

  /** A status, the body and the redirect target, if any. */
  public record Page(int status, String body, String location) {}

  /** A client logged in as the user (the login must succeed). */
  public static DashboardClient loggedIn(int port, String username, String password) {
    DashboardClient client = new DashboardClient(port);
    Page answer = client.login(username, password);
    if (answer.status() != 302 || answer.location().contains("error")) {
      throw new IllegalStateException("login of " + username + " failed: " + answer);
    }
    return client;
  }

  /** Posts the login form with the token of the login page. */
  public Page login(String username, String password) {
    String token = csrf("/dashboard/login");
    Map<String, String> form = new LinkedHashMap<>();
    form.put("username", username);
    form.put("password", password);
    form.put("_csrf", token);
    return post("/dashboard/login", form);
  }

  public Page get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  /** A GET as htmx sends it (header {@code HX-Request: true}); answers the HX-Redirect header. */
  public Page htmx(String path) {
    return send(
        HttpRequest.newBuilder(uri(path)).header("HX-Request", "true").GET(), "HX-Redirect");
  }

  /** The CSRF token of the page's forms. */
  public String csrf(String pagePath) {
    Page page = get(pagePath);
    Matcher m = CSRF.matcher(page.body());
    if (!m.find()) {
      throw new IllegalStateException("no CSRF token on " + pagePath + ": " + page.status());
    }
    return m.group(1);
  }

  /** Posts a form as it is (add {@code _csrf} yourself, or use {@link #submit}). */
  public Page post(String path, Map<String, String> form) {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** Posts a form with the CSRF token taken from {@code fromPage}, as a browser would. */
  public Page submit(String fromPage, String path, Map<String, String> form) {
    Map<String, String> withToken = new LinkedHashMap<>(form);
    withToken.put("_csrf", csrf(fromPage));
    return post(path, withToken);
  }

  /**
   * Posts an operator action ({@code resolve}, {@code redeliver}, {@code discard}) on a message
   * from the message's page, as its buttons do.
   */
  public Page messageAction(UUID messageId, String action, Map<String, String> form) {
    return submit(
        "/dashboard/messages/" + messageId,
        "/dashboard/actions/messages/" + messageId + "/" + action,
        form);
  }

  /** Saves a user's role and active flag from the users page, as an admin does. */
  public Page saveUser(String username, String role, boolean active) {
    return submit(
        "/dashboard/admin/users",
        "/dashboard/admin/users/" + username,
        Map.of("role", role, "active", String.valueOf(active)));
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private Page send(HttpRequest.Builder request) {
    return send(request, "Location");
  }

  private Page send(HttpRequest.Builder request, String locationHeader) {
    try {
      HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Page(r.statusCode(), r.body(), r.headers().firstValue(locationHeader).orElse(""));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
