package io.rms.service.push;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A push receiver on the loopback interface (the JDK's HttpServer) that records every push and
 * answers what the test scripts; counts the pushes in flight and the most seen at once.
 */
final class PushReceiver implements AutoCloseable {
  /** One push as received. */
  record Push(Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
  }

  /** An answer: status, header fields, and how long to take first. */
  record Answer(int status, Map<String, String> headers, long delayMillis) {
    static Answer status(int status) {
      return new Answer(status, Map.of(), 0);
    }
  }

  final List<Push> pushes = new CopyOnWriteArrayList<>();
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger mostInFlight = new AtomicInteger();
  private final HttpServer server;
  private volatile Function<Push, Answer> script = p -> Answer.status(204);

  PushReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/",
        exchange -> {
          int now = inFlight.incrementAndGet();
          mostInFlight.accumulateAndGet(now, Math::max);
          try {
            Map<String, String> headers = new java.util.HashMap<>();
            exchange
                .getRequestHeaders()
                .forEach(
                    (name, values) ->
                        headers.put(name.toLowerCase(java.util.Locale.ROOT), values.get(0)));
            Push push = new Push(headers, exchange.getRequestBody().readAllBytes());
            pushes.add(push);
            Answer answer = script.apply(push);
            if (answer.delayMillis() > 0) {
              Thread.sleep(answer.delayMillis());
            }
            answer.headers().forEach((n, v) -> exchange.getResponseHeaders().add(n, v));
            exchange.sendResponseHeaders(answer.status(), -1);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            inFlight.decrementAndGet();
            exchange.close();
          }
        });
    server.start();
  }

  /** What to answer from now on. */
  PushReceiver answering(Function<Push, Answer> script) {
    this.script = script;
    return this;
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** The pushes of one message. */
  List<Push> of(java.util.UUID messageId) {
    return pushes.stream()
        .filter(p -> messageId.toString().equals(p.header("X-RMS-Message-Id")))
        .toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
