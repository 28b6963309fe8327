package io.rms.service.outbound;

import io.rms.service.registry.CheckBackTargets.Target;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 POST to an outbound target (a producer's check-back URL, a push subscription's URL),
 * over a socket connected to an address that passed {@link
 * io.rms.service.registry.CheckBackTargets} (the host is not looked up again, so a DNS answer that
 * changes between the check and the call cannot send it elsewhere). https gets TLS with the URL's
 * host as server name and hostname verification. A redirect is just its status (never followed);
 * the connect has its timeout and the whole answer one deadline; the body is read up to a cap, and
 * a larger one is not read at all.
 */
public final class OutboundHttp {
  private static final int MAX_LINE = 8192;
  private static final int MAX_HEADERS = 100;

  /**
   * A status, for 200 the body ({@code null} when it is larger than the cap), and the header fields
   * (names in lower case).
   */
  public record Answer(int status, byte[] body, Map<String, String> headers) {}

  private final int connectTimeoutMillis;
  private final long readTimeoutNanos;
  private final int maxBodyBytes;
  private final SSLSocketFactory tls;

  public OutboundHttp(
      Duration connectTimeout, Duration readTimeout, int maxBodyBytes, SSLSocketFactory tls) {
    this.connectTimeoutMillis = Math.toIntExact(connectTimeout.toMillis());
    this.readTimeoutNanos = readTimeout.toNanos();
    this.maxBodyBytes = maxBodyBytes;
    this.tls = tls;
  }

  /** POSTs the body with these headers to the target's first address. */
  public Answer post(Target target, Map<String, String> headers, byte[] body) throws IOException {
    try (Socket socket = connect(target)) {
      long deadline = System.nanoTime() + readTimeoutNanos;
      OutputStream out = socket.getOutputStream();
      out.write(request(target, headers, body));
      out.write(body);
      out.flush();
      InputStream in = new BufferedInputStream(new Deadline(socket, deadline));
      int status;
      Map<String, String> responseHeaders;
      do {
        status = statusLine(readLine(in));
        responseHeaders = headers(in);
      } while (status >= 100 && status < 200);
      if (status != 200) {
        return new Answer(status, null, responseHeaders);
      }
      return new Answer(status, body(in, responseHeaders), responseHeaders);
    }
  }

  private Socket connect(Target target) throws IOException {
    Socket plain = new Socket();
    try {
      plain.connect(
          new InetSocketAddress(target.addresses().get(0), target.port()), connectTimeoutMillis);
      if (!target.https()) {
        return plain;
      }
      SSLSocket socket = (SSLSocket) tls.createSocket(plain, target.host(), target.port(), true);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      if (!target.host().contains(":") && !target.host().matches("[0-9.]+")) {
        // a host name (not an IP literal) is sent as the TLS server name
        parameters.setServerNames(List.of(new SNIHostName(target.host())));
      }
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(Math.toIntExact(Math.max(1, readTimeoutNanos / 1_000_000)));
      socket.startHandshake();
      return socket;
    } catch (IOException | RuntimeException e) {
      plain.close();
      throw e;
    }
  }

  private static byte[] request(Target target, Map<String, String> headers, byte[] body) {
    // the URI's ASCII form: non-ASCII characters of the path percent-encoded
    java.net.URI uri = java.net.URI.create(target.uri().toASCIIString());
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    StringBuilder head = new StringBuilder();
    head.append("POST ").append(path).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(uri.getRawAuthority()).append("\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("Content-Length: ").append(body.length).append("\r\n");
    head.append("Connection: close\r\n\r\n");
    return head.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static int statusLine(String line) throws IOException {
    // HTTP/1.1 200 OK
    if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
      throw new IOException("not an HTTP/1.x answer");
    }
    try {
      return Integer.parseInt(line.substring(9, 12));
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP/1.x status line");
    }
  }

  /** The header fields (names lower case): those framing the body and the answer's signature. */
  private static Map<String, String> headers(InputStream in) throws IOException {
    Map<String, String> headers = new java.util.HashMap<>();
    for (int n = 0; ; n++) {
      String line = readLine(in);
      if (line.isEmpty()) {
        return headers;
      }
      if (n >= MAX_HEADERS) {
        throw new IOException("more than " + MAX_HEADERS + " header fields");
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("malformed header field");
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      String before = headers.putIfAbsent(name, value);
      if (before != null && name.equals("content-length") && !before.equals(value)) {
        throw new IOException("conflicting Content-Length");
      }
    }
  }

  /** The body, or null when it is larger than the cap. */
  private byte[] body(InputStream in, Map<String, String> headers) throws IOException {
    String encoding = headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT);
    if (encoding.contains("chunked")) {
      return chunked(in);
    }
    String length = headers.get("content-length");
    if (length != null) {
      long declared;
      try {
        declared = Long.parseLong(length);
      } catch (NumberFormatException e) {
        throw new IOException("malformed Content-Length");
      }
      if (declared < 0) {
        throw new IOException("malformed Content-Length");
      }
      if (declared > maxBodyBytes) {
        return null;
      }
      byte[] content = in.readNBytes((int) declared);
      if (content.length < declared) {
        throw new IOException("answer ended before its Content-Length");
      }
      return content;
    }
    byte[] content = in.readNBytes(maxBodyBytes + 1);
    return content.length > maxBodyBytes ? null : content;
  }

  private byte[] chunked(InputStream in) throws IOException {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    while (true) {
      String line = readLine(in);
      int semicolon = line.indexOf(';');
      String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
      long size;
      try {
        size = Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        throw new IOException("malformed chunk size");
      }
      if (size < 0) {
        throw new IOException("malformed chunk size");
      }
      if (size == 0) {
        return content.toByteArray();
      }
      if (content.size() + size > maxBodyBytes) {
        return null;
      }
      byte[] chunk = in.readNBytes((int) size);
      if (chunk.length < size) {
        throw new IOException("answer ended inside a chunk");
      }
      content.write(chunk);
      readLine(in);
    }
  }

  /** A line without its CR LF; the answer must not end before it. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        throw new IOException("connection closed before the answer was complete");
      }
      if (line.size() >= MAX_LINE) {
        throw new IOException("answer line longer than " + MAX_LINE + " bytes");
      }
      line.write(b);
    }
    String text = line.toString(StandardCharsets.ISO_8859_1);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  /** The socket's input, each read bounded by what is left of the answer's deadline. */
  private static final class Deadline extends InputStream {
    private final Socket socket;
    private final InputStream in;
    private final long deadline;

    Deadline(Socket socket, long deadline) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.deadline = deadline;
    }

    private void arm() throws IOException {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new SocketTimeoutException("read timed out");
      }
      socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
    }

    @Override
    public int read() throws IOException {
      arm();
      return in.read();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      arm();
      return in.read(buffer, offset, length);
    }
  }
}
