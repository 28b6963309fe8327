package io.rms.service.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rms.service.registry.CheckBackTargets.Target;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ServerSocketFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbound HTTP call (check-back, push) against a raw local server that answers byte for byte
 * what a test scripts: it connects to the checked address (the host name is never looked up),
 * frames the request, reads the framings of an answer, caps the body, keeps one deadline, and does
 * TLS with server name and hostname verification.
 */
class OutboundHttpTest {
  private static final byte[] BODY = "{\"messageId\":\"m\"}".getBytes(StandardCharsets.UTF_8);
  private static final Map<String, String> HEADERS =
      Map.of("Content-Type", "application/json", "X-RMS-Signature", "sha256=00");

  @TempDir static Path keys;
  private static SSLContext serverTls;
  private static SSLSocketFactory trustingClient;

  /** A server answering each connection with the next scripted bytes, then closing it. */
  private static final class RawServer implements AutoCloseable {
    final ServerSocket socket;
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final Thread thread;

    RawServer(ServerSocketFactory factory, Duration pause, byte[]... parts) throws IOException {
      socket = factory.createServerSocket(0, 50, InetAddress.getLoopbackAddress());
      thread =
          new Thread(
              () -> {
                while (!socket.isClosed()) {
                  try (Socket client = socket.accept()) {
                    requests.add(readRequest(client.getInputStream()));
                    OutputStream out = client.getOutputStream();
                    for (byte[] part : parts) {
                      out.write(part);
                      out.flush();
                      Thread.sleep(pause.toMillis());
                    }
                  } catch (IOException | InterruptedException closed) {
                    // the test is over or the client gave up
                  }
                }
              });
      thread.setDaemon(true);
      thread.start();
    }

    RawServer(String... parts) throws IOException {
      this(ServerSocketFactory.getDefault(), Duration.ZERO, bytes(parts));
    }

    int port() {
      return socket.getLocalPort();
    }

    private static String readRequest(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        head.write(b);
      }
      String text = head.toString(StandardCharsets.ISO_8859_1);
      int length =
          text.lines()
              .filter(l -> l.toLowerCase().startsWith("content-length:"))
              .mapToInt(l -> Integer.parseInt(l.substring(15).trim()))
              .findFirst()
              .orElse(0);
      return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static byte[][] bytes(String... parts) {
    byte[][] all = new byte[parts.length][];
    for (int i = 0; i < parts.length; i++) {
      all[i] = parts[i].getBytes(StandardCharsets.ISO_8859_1);
    }
    return all;
  }

  /** A target whose host name exists nowhere in DNS, checked to the loopback address. */
  private static Target target(String scheme, String host, int port, String path) {
    return new Target(
        URI.create(scheme + "://" + host + ":" + port + path),
        host,
        port,
        scheme.equals("https"),
        List.of(InetAddress.getLoopbackAddress()));
  }

  private static OutboundHttp http(Duration readTimeout) {
    return new OutboundHttp(
        Duration.ofSeconds(1), readTimeout, 64, (SSLSocketFactory) SSLSocketFactory.getDefault());
  }

  private static OutboundHttp.Answer post(RawServer server) throws IOException {
    return http(Duration.ofSeconds(2))
        .post(target("http", "producer.test", server.port(), "/rms/check-back?x=1"), HEADERS, BODY);
  }

  @BeforeAll
  static void certificate() throws Exception {
    Path store = keys.resolve("producer.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "producer",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=producer.test",
                "-ext",
                "SAN=dns:producer.test",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor()).as(output).isZero();
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(store.toFile())) {
      keyStore.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory km = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    km.init(keyStore, "changeit".toCharArray());
    serverTls = SSLContext.getInstance("TLS");
    serverTls.init(km.getKeyManagers(), null, null);
    TrustManagerFactory tm =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tm.init(keyStore);
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, tm.getTrustManagers(), null);
    trustingClient = client.getSocketFactory();
  }

  @AfterAll
  static void cleanUp() throws IOException {
    Files.deleteIfExists(keys.resolve("producer.p12"));
  }

  @Test
  void theRequestGoesToTheCheckedAddressWithTheUrlsHostPathAndBody() throws IOException {
    try (RawServer server = new RawServer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")) {
      OutboundHttp.Answer answer = post(server);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
      String request = server.requests.get(0);
      assertThat(request).startsWith("POST /rms/check-back?x=1 HTTP/1.1\r\n");
      assertThat(request).contains("\r\nHost: producer.test:" + server.port() + "\r\n");
      assertThat(request).contains("\r\nX-RMS-Signature: sha256=00\r\n");
      assertThat(request).contains("\r\nContent-Length: " + BODY.length + "\r\n");
      assertThat(request).contains("\r\nConnection: close\r\n");
      assertThat(request).endsWith("\r\n\r\n{\"messageId\":\"m\"}");
    }
  }

  @Test
  void chunkedAndCloseDelimitedBodiesAreRead() throws IOException {
    try (RawServer chunked =
            new RawServer(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                "4;ext=1\r\n{\"de\r\n",
                "3\r\nci\"\r\n0\r\n\r\n");
        RawServer closed = new RawServer("HTTP/1.0 200 OK\r\n\r\n{\"a\":1}")) {
      assertThat(new String(post(chunked).body(), StandardCharsets.UTF_8)).isEqualTo("{\"deci\"");
      assertThat(new String(post(closed).body(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
    }
  }

  @Test
  void interimAnswersAreSkipped() throws IOException {
    try (RawServer server =
        new RawServer(
            "HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")) {
      assertThat(post(server).status()).isEqualTo(200);
    }
  }

  @Test
  void aRedirectIsOnlyItsStatus() throws IOException {
    try (RawServer target = new RawServer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
        RawServer redirect =
            new RawServer(
                "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:"
                    + target.port()
                    + "/\r\nContent-Length: 0\r\n\r\n")) {
      OutboundHttp.Answer answer = post(redirect);
      assertThat(answer.status()).isEqualTo(302);
      assertThat(answer.body()).isNull();
      assertThat(target.requests).isEmpty();
    }
  }

  @Test
  void bodiesOverTheCapAreNotRead() throws IOException {
    String big = "x".repeat(65);
    try (RawServer declared =
            new RawServer("HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n" + big);
        RawServer chunked =
            new RawServer(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n41\r\n"
                    + big
                    + "\r\n0\r\n\r\n");
        RawServer closed = new RawServer("HTTP/1.1 200 OK\r\n\r\n" + big)) {
      assertThat(post(declared).body()).isNull();
      assertThat(post(chunked).body()).isNull();
      assertThat(post(closed).body()).isNull();
    }
  }

  @Test
  void garbageAndTruncatedAnswersAreErrors() throws IOException {
    for (String garbage :
        List.of(
            "SSH-2.0-OpenSSH\r\n",
            "HTTP/1.1 2xx OK\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
            "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
            "HTTP/1.1 200 OK\r\n" + "X: y\r\n".repeat(101) + "\r\n",
            "HTTP/1.1 200 OK\r\n" + "X: " + "y".repeat(9000) + "\r\n\r\n",
            "")) {
      try (RawServer server = new RawServer(garbage)) {
        assertThatThrownBy(() -> post(server))
            .as(garbage.substring(0, Math.min(30, garbage.length())))
            .isInstanceOf(IOException.class);
      }
    }
  }

  @Test
  void aDripFedAnswerEndsAtTheDeadline() throws IOException {
    byte[][] drip = new byte[40][];
    drip[0] = "HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 1; i < drip.length; i++) {
      drip[i] = "X: y\r\n".getBytes(StandardCharsets.ISO_8859_1);
    }
    try (RawServer server =
        new RawServer(ServerSocketFactory.getDefault(), Duration.ofMillis(100), drip)) {
      long start = System.nanoTime();
      assertThatThrownBy(
              () ->
                  http(Duration.ofMillis(500))
                      .post(target("http", "producer.test", server.port(), "/"), HEADERS, BODY))
          .isInstanceOf(SocketTimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("every byte came within the per-read timeout; the deadline still ended it")
          .isLessThan(Duration.ofMillis(3000));
    }
  }

  @Test
  void httpsSendsTheServerNameAndVerifiesTheCertificateAgainstTheUrlsHost() throws Exception {
    try (RawServer server =
        new RawServer(
            serverTls.getServerSocketFactory(),
            Duration.ZERO,
            bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"))) {
      OutboundHttp trusting =
          new OutboundHttp(Duration.ofSeconds(1), Duration.ofSeconds(2), 64, trustingClient);
      OutboundHttp.Answer answer =
          trusting.post(target("https", "producer.test", server.port(), "/"), HEADERS, BODY);
      assertThat(answer.status()).isEqualTo(200);

      assertThatThrownBy(
              () -> trusting.post(target("https", "other.test", server.port(), "/"), HEADERS, BODY))
          .as("the certificate does not name other.test")
          .isInstanceOf(SSLException.class);
      assertThatThrownBy(
              () ->
                  http(Duration.ofSeconds(2))
                      .post(target("https", "producer.test", server.port(), "/"), HEADERS, BODY))
          .as("a certificate nobody trusts")
          .isInstanceOf(SSLException.class);
      assertThat(server.requests).hasSize(1);
    }
  }
}
