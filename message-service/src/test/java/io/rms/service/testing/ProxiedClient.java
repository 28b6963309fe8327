package io.rms.service.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A cookie-keeping dashboard client whose connections come from a chosen loopback address (on Linux
 * all of 127.0.0.0/8 is the loopback), such as an ingress controller's, and that adds the headers
 * such a proxy adds ({@code X-Forwarded-For}, {@code -Proto}, {@code -Host}). Plain HTTP/1.0 over a
 * socket: the JDK's HTTP client cannot choose its local address.
 */
public final class ProxiedClient {
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  private final String from;
  private final int port;
  private final Map<String, String> forwarded;
  private final Map<String, String> cookies = new LinkedHashMap<>();

  /**
   * A client connecting from {@code from} that sends {@code forwarded} headers with every request.
   */
  public ProxiedClient(String from, int port, Map<String, String> forwarded) {
    this.from = from;
    this.port = port;
    this.forwarded = forwarded;
  }

  /** Status, headers (names in lower case, every value) and body. */
  public record Answer(int status, Map<String, List<String>> headers, String body) {
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : values.get(0);
    }

    /** The {@code Set-Cookie} header that sets {@code name}, or null. */
    public String setCookie(String name) {
      return headers.getOrDefault("set-cookie", List.of()).stream()
          .filter(c -> c.startsWith(name + "="))
          .findFirst()
          .orElse(null);
    }
  }

  public Answer get(String path) {
    return send("GET", path, null);
  }

  /** Posts the login form with the token of the login page. */
  public Answer login(String username, String password) {
    Matcher m = CSRF.matcher(get("/dashboard/login").body());
    if (!m.find()) {
      throw new IllegalStateException("no CSRF token on the login page");
    }
    Map<String, String> form = new LinkedHashMap<>();
    form.put("username", username);
    form.put("password", password);
    form.put("_csrf", m.group(1));
    return send(
        "POST",
        "/dashboard/login",
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&")));
  }

  private Answer send(String method, String path, String form) {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
      socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 5000);
      socket.setSoTimeout(10_000);
      StringBuilder request = new StringBuilder();
      request.append(method).append(' ').append(path).append(" HTTP/1.0\r\n");
      request.append("Host: 127.0.0.1:").append(port).append("\r\n");
      forwarded.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
      if (!cookies.isEmpty()) {
        request
            .append("Cookie: ")
            .append(
                cookies.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; ")))
            .append("\r\n");
      }
      byte[] body = form == null ? new byte[0] : form.getBytes(StandardCharsets.UTF_8);
      if (form != null) {
        request.append("Content-Type: application/x-www-form-urlencoded\r\n");
        request.append("Content-Length: ").append(body.length).append("\r\n");
      }
      request.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      return read(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private Answer read(String raw) {
    int end = raw.indexOf("\r\n\r\n");
    String[] lines = raw.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers
          .computeIfAbsent(
              lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(lines[i].substring(colon + 1).trim());
    }
    for (String cookie : headers.getOrDefault("set-cookie", List.of())) {
      String pair = cookie.split(";", 2)[0];
      int eq = pair.indexOf('=');
      String name = pair.substring(0, eq);
      String value = pair.substring(eq + 1);
      if (value.isEmpty() || cookie.toLowerCase(Locale.ROOT).contains("max-age=0")) {
        cookies.remove(name);
      } else {
        cookies.put(name, value);
      }
    }
    return new Answer(status, headers, raw.substring(end + 4));
  }
}
