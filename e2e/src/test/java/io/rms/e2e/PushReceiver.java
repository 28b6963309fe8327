package io.rms.e2e;

import com.sun.net.httpserver.HttpServer;
import io.rms.consumer.PushSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The push scenarios' receiver, in the test JVM on a fixed port of 127.0.0.1: verifies every push's
 * signature with {@code consumer-sdk}'s {@link PushSignature} (401 otherwise), applies each message
 * once (an inbox by message id; repeats are counted), remembers per ordering key the sequence in
 * which messages were applied, and counts the pushes in flight. It can be taken down (the port
 * refuses connections) and brought up again.
 */
final class PushReceiver implements AutoCloseable {
  /** One push: message id, ordering key, attempt, sequence. */
  record Push(String messageId, String orderingKey, int attempt, long sequence) {}

  final int port;
  private final List<String> secrets = new ArrayList<>();
  final Set<String> applied = ConcurrentHashMap.newKeySet();
  final Map<String, List<Long>> appliedPerKey = new ConcurrentHashMap<>();
  final AtomicInteger pushes = new AtomicInteger();
  final AtomicInteger duplicates = new AtomicInteger();
  final AtomicInteger refused = new AtomicInteger();
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger mostInFlight = new AtomicInteger();
  final Map<String, Integer> maxAttempt = new ConcurrentHashMap<>();
  private volatile Function<Push, int[]> script = p -> new int[] {204, 0, 0};
  private HttpServer server;

  PushReceiver() {
    this.port = Harness.freePort();
  }

  /** Accepts signatures made with this secret too. */
  synchronized PushReceiver trusting(String secret) {
    secrets.add(secret);
    return this;
  }

  /**
   * What to answer: {status, Retry-After seconds (0: none), delay millis} per push (a 2xx applies
   * the message).
   */
  PushReceiver answering(Function<Push, int[]> script) {
    this.script = script;
    return this;
  }

  String url() {
    return "http://127.0.0.1:" + port + "/push";
  }

  synchronized void up() {
    if (server != null) {
      return;
    }
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/push",
        exchange -> {
          int now = inFlight.incrementAndGet();
          mostInFlight.accumulateAndGet(now, Math::max);
          try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            var headers = exchange.getRequestHeaders();
            List<String> valid;
            synchronized (this) {
              valid = List.copyOf(secrets);
            }
            if (!PushSignature.verify(
                valid,
                headers.getFirst("X-RMS-Timestamp"),
                headers.getFirst("X-RMS-Signature"),
                body,
                Clock.systemUTC(),
                Duration.ofMinutes(5))) {
              refused.incrementAndGet();
              exchange.sendResponseHeaders(401, -1);
              return;
            }
            pushes.incrementAndGet();
            String sequence = headers.getFirst("X-RMS-Sequence");
            Push push =
                new Push(
                    headers.getFirst("X-RMS-Message-Id"),
                    headers.getFirst("X-RMS-Ordering-Key"),
                    Integer.parseInt(headers.getFirst("X-RMS-Attempt")),
                    sequence == null ? -1 : Long.parseLong(sequence));
            maxAttempt.merge(push.messageId(), push.attempt(), Math::max);
            int[] answer = script.apply(push);
            if (answer[2] > 0) {
              Thread.sleep(answer[2]);
            }
            if (answer[0] / 100 == 2) {
              if (applied.add(push.messageId())) {
                if (push.orderingKey() != null) {
                  appliedPerKey
                      .computeIfAbsent(push.orderingKey(), k -> new java.util.Vector<>())
                      .add(push.sequence());
                }
              } else {
                duplicates.incrementAndGet();
              }
            }
            if (answer[1] > 0) {
              exchange.getResponseHeaders().add("Retry-After", Integer.toString(answer[1]));
            }
            exchange.sendResponseHeaders(answer[0], -1);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            inFlight.decrementAndGet();
            exchange.close();
          }
        });
    server.start();
  }

  /** Stops listening: pushes meet a refused connection until {@link #up()}. */
  synchronized void down() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  /** Inversions: consecutive applied messages of one key whose sequence went down. */
  long inversions() {
    long inversions = 0;
    for (List<Long> sequences : appliedPerKey.values()) {
      List<Long> copy = List.copyOf(sequences);
      for (int i = 1; i < copy.size(); i++) {
        if (copy.get(i) < copy.get(i - 1)) {
          inversions++;
        }
      }
    }
    return inversions;
  }

  /** Consecutive pairs compared by {@link #inversions()}. */
  long pairs() {
    return appliedPerKey.values().stream().mapToLong(l -> Math.max(0, l.size() - 1)).sum();
  }

  @Override
  public void close() {
    down();
  }
}
