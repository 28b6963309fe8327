package io.rms.service.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A producer's check-back endpoint on a free local port (JDK HTTP server): each path answers what
 * the test scripted, records every request it got, and can be slow.
 */
public final class ProducerStub implements AutoCloseable {
  private final HttpServer server;
  private final String host;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Map<String, ConcurrentLinkedDeque<Reply>> scripts = new ConcurrentHashMap<>();
  private final Map<String, Reply> defaults = new ConcurrentHashMap<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();

  /**
   * An answer: status, body, extra headers, how long to wait before sending it, and the decision
   * the stub signs as the producer SDK does (with the path's secret, see {@link #signing}; null:
   * not signed).
   */
  public record Reply(
      int status, byte[] body, Map<String, String> headers, Duration delay, String signs) {
    public Reply(int status, byte[] body, Map<String, String> headers, Duration delay) {
      this(status, body, headers, delay, null);
    }

    /** A decision, signed by the stub when its path has a secret. */
    public static Reply decision(String decision) {
      return json(200, "{\"decision\":\"" + decision + "\"}").signing(decision);
    }

    public static Reply json(int status, String body) {
      return new Reply(status, body.getBytes(StandardCharsets.UTF_8), Map.of(), Duration.ZERO);
    }

    public Reply after(Duration wait) {
      return new Reply(status, body, headers, wait, signs);
    }

    /**
     * This reply with the answer signature of {@code decision} (which may differ from its body).
     */
    public Reply signing(String decision) {
      return new Reply(status, body, headers, delay, decision);
    }

    /** This reply with these extra headers. */
    public Reply withHeaders(Map<String, String> extra) {
      return new Reply(status, body, extra, delay, signs);
    }

    /** This reply without an answer signature. */
    public Reply unsigned() {
      return new Reply(status, body, headers, delay, null);
    }
  }

  private static final Pattern MESSAGE_ID = Pattern.compile("\"messageId\":\"([^\"]+)\"");
  private final Map<String, String> secrets = new ConcurrentHashMap<>();

  /** Signs the decisions answered on {@code path} with this check-back secret. */
  public ProducerStub signing(String path, String secret) {
    secrets.put(path, secret);
    return this;
  }

  /**
   * The answer signature of the producer SDK: {@code sha256=} hex HMAC-SHA256 of {@code timestamp +
   * "." + messageId + "." + decision}.
   */
  public static String answerSignature(
      String secret, String timestamp, String messageId, String decision) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] digest =
          mac.doFinal(
              (timestamp + "." + messageId + "." + decision).getBytes(StandardCharsets.UTF_8));
      return "sha256=" + HexFormat.of().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A request the stub received. */
  public record Call(String path, String timestamp, String signature, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  public ProducerStub() {
    this("127.0.0.1");
  }

  /** A stub on another loopback address (e.g. 127.0.0.2: another host, as far as URLs go). */
  public ProducerStub(String host) {
    this.host = host;
    try {
      server = HttpServer.create(new InetSocketAddress(host, 0), 50);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The URL of a path on this stub. */
  public String url(String path) {
    return "http://" + host + ":" + server.getAddress().getPort() + path;
  }

  /** Answers the next requests to {@code path} with these replies, in order. */
  public ProducerStub then(String path, Reply... replies) {
    scripts.computeIfAbsent(path, p -> new ConcurrentLinkedDeque<>()).addAll(List.of(replies));
    return this;
  }

  /** Answers requests to {@code path} with {@code reply} once the script is used up. */
  public ProducerStub always(String path, Reply reply) {
    defaults.put(path, reply);
    return this;
  }

  /** Every request received so far. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The requests received on one path. */
  public List<Call> calls(String path) {
    return calls.stream().filter(c -> c.path().equals(path)).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      byte[] body = exchange.getRequestBody().readAllBytes();
      calls.add(
          new Call(
              path,
              exchange.getRequestHeaders().getFirst("X-RMS-Timestamp"),
              exchange.getRequestHeaders().getFirst("X-RMS-Signature"),
              body));
      ConcurrentLinkedDeque<Reply> script = scripts.get(path);
      Reply reply = script == null ? null : script.poll();
      if (reply == null) {
        reply = defaults.getOrDefault(path, Reply.json(404, "{}"));
      }
      if (!reply.delay().isZero()) {
        Thread.sleep(reply.delay().toMillis());
      }
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      String secret = secrets.get(path);
      Matcher messageId = MESSAGE_ID.matcher(new String(body, StandardCharsets.UTF_8));
      if (reply.signs() != null && secret != null && messageId.find()) {
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        exchange.getResponseHeaders().add("X-RMS-Timestamp", timestamp);
        exchange
            .getResponseHeaders()
            .add(
                "X-RMS-Signature",
                answerSignature(secret, timestamp, messageId.group(1), reply.signs()));
      }
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(
          reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(reply.body());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException clientGone) {
      // the service timed out and closed the connection
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
