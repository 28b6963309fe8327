package io.rms.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.GZIPInputStream;

/**
 * The OTLP/HTTP receiver of the tracing levers: a JDK HttpServer on 127.0.0.1 that answers every
 * {@code POST /v1/traces} 200 at once (an empty {@code ExportTraceServiceResponse}), then counts
 * the request, its bytes and its spans ({@link OtlpSpans}): spans by {@code service.name}, distinct
 * trace ids, and traces with spans of every one of the {@code parties} (the producer app, the
 * service, the consumer app: one order, one trace). Its own CPU (thread CPU time of its handlers)
 * is counted too, since it runs in the harness's JVM and bills the harness's party.
 */
final class TraceSink implements AutoCloseable {
  /** Most distinct trace ids remembered per window (then new ones are counted, not kept). */
  static final int MAX_TRACES = 500_000;

  final int port;
  private final List<String> parties;
  private final long settleMillis;
  private final HttpServer server;
  private final ExecutorService handlers = Executors.newFixedThreadPool(4);
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong spans = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private final LongAdder cpuNanos = new LongAdder();
  private final Map<String, LongAdder> byService = new ConcurrentHashMap<>();

  /** Trace id → bit set of the parties seen in it (bit i: {@code parties.get(i)}). */
  private final Map<String, Integer> traces = new ConcurrentHashMap<>();

  private final AtomicLong tracesNotKept = new AtomicLong();

  TraceSink(List<String> parties) throws IOException {
    this(parties, 6000);
  }

  /** {@code settleMillis}: how long {@link #addTo} waits for the exporters' last batches. */
  TraceSink(List<String> parties, long settleMillis) throws IOException {
    this.parties = List.copyOf(parties);
    this.settleMillis = settleMillis;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    port = server.getAddress().getPort();
    server.setExecutor(handlers);
    server.createContext("/v1/traces", this::handle);
    server.start();
  }

  /** The endpoint the apps and the service export to. */
  String endpoint() {
    return "http://127.0.0.1:" + port + "/v1/traces";
  }

  private void handle(HttpExchange exchange) throws IOException {
    long cpu0 = threads.getCurrentThreadCpuTime();
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    if (!exchange.getRequestMethod().equals("POST")) {
      exchange.sendResponseHeaders(405, -1);
      exchange.close();
      return;
    }
    exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
    exchange.sendResponseHeaders(200, -1);
    exchange.close();
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    record(body, "gzip".equalsIgnoreCase(encoding));
    cpuNanos.add(threads.getCurrentThreadCpuTime() - cpu0);
  }

  /** Counts one request body (gzip-compressed when {@code gzip}). */
  void record(byte[] body, boolean gzip) {
    requests.incrementAndGet();
    bytes.addAndGet(body.length);
    try {
      byte[] raw =
          gzip ? new GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes() : body;
      spans.addAndGet(OtlpSpans.parse(raw, this::span));
    } catch (IOException | RuntimeException e) {
      if (malformed.incrementAndGet() <= 3) {
        Bench.log("  trace sink: a request it could not read: %s", e);
      }
    }
  }

  private void span(String service, String traceId) {
    byService.computeIfAbsent(service, s -> new LongAdder()).increment();
    int bit = parties.indexOf(service);
    int mask = bit < 0 ? 0 : 1 << bit;
    if (traces.size() >= MAX_TRACES && !traces.containsKey(traceId)) {
      tracesNotKept.incrementAndGet();
      return;
    }
    traces.merge(traceId, mask, (a, b) -> a | b);
  }

  /** Forgets the counts so far: a new window starts. */
  void reset() {
    requests.set(0);
    bytes.set(0);
    spans.set(0);
    malformed.set(0);
    cpuNanos.reset();
    byService.clear();
    traces.clear();
    tracesNotKept.set(0);
  }

  long spans() {
    return spans.get();
  }

  /**
   * Adds what the sink received since {@link #reset()} to the report's row {@code label}, once the
   * exporters' batches are through (they send every 5 s); false, logged loudly, when no span came.
   */
  boolean addTo(Report report, String label) throws InterruptedException {
    Thread.sleep(settleMillis);
    Map<String, Object> figures = figures();
    report.scenarios.stream()
        .filter(s -> label.equals(s.get("name")))
        .forEach(s -> s.put("trace_export", figures));
    Bench.log("  trace sink: %s", figures);
    if (spans() == 0) {
      Bench.log("  !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
      Bench.log("  !!! %s: tracing exported NO SPANS to %s", label, endpoint());
      Bench.log("  !!! the row measured no tracing export; the run will end failed");
      Bench.log("  !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
      return false;
    }
    return true;
  }

  /** The window's figures, for the report. */
  Map<String, Object> figures() {
    int all = (1 << parties.size()) - 1;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requests", requests.get());
    m.put("bytes", bytes.get());
    m.put("spans", spans.get());
    Map<String, Long> services = new TreeMap<>();
    byService.forEach((k, v) -> services.put(k, v.sum()));
    m.put("spans_by_service", services);
    m.put("traces", traces.size() + tracesNotKept.get());
    m.put(
        "traces_across_" + String.join("+", parties),
        traces.values().stream().filter(mask -> mask == all).count());
    m.put("malformed_requests", malformed.get());
    m.put("sink_cpu_ms", Math.round(cpuNanos.sum() / 1e5) / 10.0);
    return m;
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow(); // its threads would keep the harness's JVM alive
  }
}
