package io.rms.e2e;

import io.rms.testsupport.RegistryArgs;
import io.rms.testsupport.TcpProxy;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cluster the scenarios share: two private PostgreSQL instances (one for the service, one with
 * the producer's and the consumer's databases), a private three-node RabbitMQ cluster with the
 * subscription's queue a quorum queue, up to three service instances, the producer and the
 * consumer, and the proxies between them:
 *
 * <pre>
 *   producer ──apiProxy──▶ service-1 ◀──consumerApiProxy── consumer ◀── RabbitMQ 1..3 (direct)
 *   service-1..3 ──pgProxy──▶ PostgreSQL (service)   service-1..3 ──mqProxies──▶ RabbitMQ 1..3
 *   service-1..3 ──checkBackProxy──▶ producer's /rms/check-back
 * </pre>
 *
 * Scenarios kill, stop or cut what they need and restart it; the rest lives as long as the class.
 */
final class Harness implements AutoCloseable {
  static final String PRODUCER_KEY = "e2e-producer-key";
  static final String CONSUMER_KEY = "e2e-consumer-key";
  static final String OPERATOR_KEY = "e2e-operator-key";
  static final String ADMIN_KEY = "e2e-admin-key";

  /** Topics of the push scenarios (s22–s25), produced by the e2e producer app. */
  static final String[] PUSH_TOPICS = {
    "e2e.push.down", "e2e.push.busy", "e2e.push.slow", "e2e.push.ordered"
  };

  static final String CHECK_BACK_SECRET = "e2e-check-back-secret-0123456789abc";
  static final String TOPIC = "e2e.t";
  static final String SUBSCRIPTION = "e2e.s";
  static final String ORDERED_TOPIC = "e2e.ordered";
  static final String ORDERED_SUBSCRIPTION = "e2e.ordered";

  /** Pull subscriptions (s19–s21): consumers lease over HTTP ({@link PullConsumer}). */
  static final String PULL_TOPIC = "e2e.pull";

  static final String PULL_SUBSCRIPTION = "e2e.pull";
  static final String PULL_ORDERED_TOPIC = "e2e.pull-ordered";
  static final String PULL_ORDERED_SUBSCRIPTION = "e2e.pull-ordered";

  /** The subscription's queue ({@code rms.broker.queue-prefix} + name). */
  static final String SUBSCRIPTION_QUEUE = "rms.sub." + SUBSCRIPTION;

  static final String MARKER_PREFIX = "/tmp/rms-e2e-";
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  /** Test settings of the service (short sweeps, short timeouts: recovery in seconds). */
  static final Map<String, String> SERVICE_SETTINGS = new TreeMap<>();

  static {
    SERVICE_SETTINGS.put("rms.recovery.interval", "1s");
    SERVICE_SETTINGS.put("rms.recovery.batch-size", "250");
    SERVICE_SETTINGS.put("rms.recovery.max-in-flight", "250");
    SERVICE_SETTINGS.put("rms.recovery.lease", "15s");
    // the producer's check-back (through its proxy) is on this host: an explicit opt-in
    SERVICE_SETTINGS.put("rms.check-back.allow-loopback", "true");
    SERVICE_SETTINGS.put("rms.check-back.after", "3s");
    SERVICE_SETTINGS.put("rms.check-back.max-checks", "40");
    SERVICE_SETTINGS.put("rms.check-back.backoff.initial", "1s");
    SERVICE_SETTINGS.put("rms.check-back.backoff.max", "3s");
    SERVICE_SETTINGS.put("rms.check-back.circuit-open-for", "3s");
    SERVICE_SETTINGS.put("rms.check-back.read-timeout", "2s");
    SERVICE_SETTINGS.put("rms.dispatch.publish-grace", "3s");
    SERVICE_SETTINGS.put("rms.dispatch.failure-retry", "1s");
    SERVICE_SETTINGS.put("rms.dispatch.confirm-timeout", "5s");
    SERVICE_SETTINGS.put("rms.subscriptions[0].ack-timeout", "5s");
    SERVICE_SETTINGS.put("rms.subscriptions[0].max-attempts", "8");
    SERVICE_SETTINGS.put("rms.subscriptions[0].backoff.initial", "500ms");
    SERVICE_SETTINGS.put("rms.subscriptions[0].backoff.max", "2s");
    SERVICE_SETTINGS.put("rms.subscriptions[1].ack-timeout", "5s");
    SERVICE_SETTINGS.put("rms.subscriptions[1].max-attempts", "8");
    SERVICE_SETTINGS.put("rms.subscriptions[1].backoff.initial", "500ms");
    SERVICE_SETTINGS.put("rms.subscriptions[1].backoff.max", "2s");
    for (int pull = 2; pull <= 3; pull++) {
      SERVICE_SETTINGS.put("rms.subscriptions[" + pull + "].max-attempts", "8");
      SERVICE_SETTINGS.put("rms.subscriptions[" + pull + "].backoff.initial", "500ms");
      SERVICE_SETTINGS.put("rms.subscriptions[" + pull + "].backoff.max", "2s");
    }
    // the push scenarios' receiver runs in the test JVM on this host: named, so allowed
    SERVICE_SETTINGS.put("rms.push.allowed-hosts[0]", "127.0.0.1");
    SERVICE_SETTINGS.put("rms.push.worker.circuit-open-for", "2s");
    SERVICE_SETTINGS.put("rms.push.worker.pause-check", "1s");
  }

  final Path base;
  final Path logs;
  final Postgres servicePg;
  final Postgres appsPg;
  final RabbitCluster rabbit;
  final TcpProxy pgProxy;
  final ProxyGroup mqProxies;
  final TcpProxy apiProxy;
  final TcpProxy consumerApiProxy;
  final TcpProxy checkBackProxy;
  final int[] servicePorts = new int[3];

  /** Actuator's port of each instance (probes and {@code /actuator/prometheus}). */
  final int[] managementPorts = new int[3];

  final JavaApp[] services = new JavaApp[3];
  final int producerPort;
  final JavaApp producer;
  final JavaApp consumer;

  /** While this file exists the consumer's handler acks without its effect (s18's bug). */
  final Path consumerLosesEffects;

  private final Path serviceJar;
  private final RandomAccessFile lockFile;
  private final FileLock lock;

  Harness(Path workDir, List<String> appsClasspath, Path serviceJar) throws IOException {
    lockFile = new RandomAccessFile("/tmp/rms-e2e.lock", "rw");
    lock = lockFile.getChannel().tryLock();
    if (lock == null) {
      throw new IllegalStateException("another e2e run holds /tmp/rms-e2e.lock");
    }
    Proc.killLeftovers(MARKER_PREFIX);
    base =
        Files.createTempDirectory(
            Path.of("/tmp"),
            "rms-e2e-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    logs = workDir.resolve("logs");
    Files.createDirectories(logs);
    try (var old = Files.list(logs)) {
      for (Path f : old.toList()) {
        Files.deleteIfExists(f);
      }
    }
    System.out.println("[e2e] work dir " + base + ", logs " + logs);

    servicePg = new Postgres("service", base, logs, freePort());
    appsPg = new Postgres("apps", base, logs, freePort());
    rabbit = new RabbitCluster(base, logs, 3);
    Thread pgStart =
        new Thread(
            () -> {
              servicePg.start();
              appsPg.start();
            });
    pgStart.start();
    rabbit.form();
    join(pgStart);
    servicePg.createDatabase("rms");
    appsPg.createDatabase("producer");
    appsPg.createDatabase("consumer");

    pgProxy = new TcpProxy("pg", "127.0.0.1", servicePg.port);
    mqProxies = new ProxyGroup("mq", rabbit);
    for (int i = 0; i < 3; i++) {
      servicePorts[i] = freePort();
      managementPorts[i] = freePort();
    }
    apiProxy = new TcpProxy("api", "127.0.0.1", servicePorts[0]);
    consumerApiProxy = new TcpProxy("consumer-api", "127.0.0.1", servicePorts[0]);
    producerPort = freePort();
    checkBackProxy = new TcpProxy("check-back", "127.0.0.1", producerPort);

    this.serviceJar = serviceJar;
    String marker = base.toString();
    String serviceDb = "jdbc:postgresql://127.0.0.1:" + pgProxy.port() + "/rms";
    for (int i = 0; i < 3; i++) {
      services[i] = service(i, marker, serviceJar, serviceDb);
    }
    String cp = String.join(":", appsClasspath);
    consumerLosesEffects = base.resolve("consumer-loses-effects");
    producer =
        app(
            "producer",
            marker,
            cp,
            "io.rms.e2e.producer.ProducerApp",
            apiProxy.port(),
            PRODUCER_KEY,
            List.of(
                "--server.port=" + producerPort,
                "--spring.datasource.hikari.maximum-pool-size=24",
                "--rms.producer.check-back.secret=" + CHECK_BACK_SECRET,
                "--rms.producer.transaction-timeout=5s",
                "--rms.producer.check-back.lock-wait=500ms"),
            "http://127.0.0.1:" + producerPort + "/e2e/status",
            null);
    consumer =
        app(
            "consumer",
            marker,
            cp,
            "io.rms.e2e.consumer.ConsumerApp",
            consumerApiProxy.port(),
            CONSUMER_KEY,
            List.of(
                "--spring.rabbitmq.addresses=" + rabbit.addresses(),
                "--spring.rabbitmq.username=guest",
                "--spring.rabbitmq.password=guest",
                "--logging.level.org.springframework.boot.StartupInfoLogger=INFO",
                "--logging.level.io.rms.e2e=INFO",
                "--e2e.lose-effects-file=" + consumerLosesEffects),
            null,
            "Started ConsumerApp");
    services[0].start(Duration.ofMinutes(3));
    Thread p = new Thread(() -> producer.start(Duration.ofMinutes(2)));
    p.start();
    consumer.start(Duration.ofMinutes(2));
    join(p);
  }

  /**
   * The producer or the consumer app ({@code mainClass} of the apps' class path {@code cp}) with
   * its own database on {@link #appsPg}, calling the service through the proxy on {@code apiPort}.
   */
  private JavaApp app(
      String name,
      String marker,
      String cp,
      String mainClass,
      int apiPort,
      String apiKey,
      List<String> more,
      String readyUrl,
      String readyLine) {
    List<String> args =
        new ArrayList<>(
            List.of(
                mainClass,
                "--spring.datasource.url=" + appsPg.url(name),
                "--spring.datasource.username=postgres",
                "--rms.client.base-url=http://127.0.0.1:" + apiPort,
                "--rms.client.api-key=" + apiKey,
                "--rms.client.read-timeout=3s",
                "--logging.level.root=WARN"));
    args.addAll(more);
    return JavaApp.of(
        name,
        marker,
        List.of("-Xmx384m", "-XX:+UseSerialGC", "-cp", cp),
        args,
        logs.resolve(name + ".log"),
        readyUrl,
        readyLine);
  }

  /**
   * Instance {@code i + 1} (its ports and log) on another database, {@code datasourceUrl} (s17: a
   * Patroni cluster's multi-host URL); the caller puts it in {@link #services} and starts it.
   */
  JavaApp serviceOn(int i, String datasourceUrl) {
    return service(i, base.toString(), serviceJar, datasourceUrl);
  }

  private JavaApp service(int i, String marker, Path jar, String datasourceUrl) {
    int port = servicePorts[i];
    List<String> args =
        new ArrayList<>(
            List.of(
                "-jar",
                jar.toString(),
                "--server.port=" + port,
                "--management.server.port=" + managementPorts[i],
                "--spring.datasource.url=" + datasourceUrl,
                "--spring.datasource.username=postgres",
                "--spring.datasource.hikari.connection-timeout=3000",
                "--spring.rabbitmq.addresses=" + mqProxies.addresses(),
                "--spring.rabbitmq.username=guest",
                "--spring.rabbitmq.password=guest",
                "--rms.broker.queue-type=quorum"));
    args.addAll(
        new RegistryArgs()
            .app(
                "e2e-producer",
                PRODUCER_KEY,
                TOPIC,
                ORDERED_TOPIC,
                PULL_TOPIC,
                PULL_ORDERED_TOPIC,
                PUSH_TOPICS[0],
                PUSH_TOPICS[1],
                PUSH_TOPICS[2],
                PUSH_TOPICS[3])
            .checkBack(
                "http://127.0.0.1:" + checkBackProxy.port() + "/rms/check-back", CHECK_BACK_SECRET)
            .app("e2e-consumer", CONSUMER_KEY)
            .app("e2e-operator", OPERATOR_KEY)
            .roles("OPERATOR")
            .app("e2e-admin", ADMIN_KEY)
            .roles("ADMIN")
            .subscription(SUBSCRIPTION, TOPIC, "e2e-consumer")
            .subscription(ORDERED_SUBSCRIPTION, ORDERED_TOPIC, "e2e-consumer", "ordered=true")
            .subscription(PULL_SUBSCRIPTION, PULL_TOPIC, "e2e-consumer", "delivery=pull")
            .subscription(
                PULL_ORDERED_SUBSCRIPTION,
                PULL_ORDERED_TOPIC,
                "e2e-consumer",
                "ordered=true",
                "delivery=pull")
            .list());
    SERVICE_SETTINGS.forEach((k, v) -> args.add("--" + k + "=" + v));
    args.add("--logging.level.root=WARN");
    args.add("--logging.level.org.springframework.boot.StartupInfoLogger=INFO");
    return JavaApp.of(
        "service-" + (i + 1),
        marker,
        List.of("-Xmx640m", "-XX:+UseSerialGC"),
        args,
        logs.resolve("service-" + (i + 1) + ".log"),
        "http://127.0.0.1:" + managementPorts[i] + "/actuator/health/readiness",
        null);
  }

  // ---- the service's API --------------------------------------------------------------------

  record Answer(int status, String body) {
    JsonNode json() {
      return JSON.readTree(body);
    }
  }

  Answer api(String method, String path, String key, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + servicePorts[0] + path))
            .timeout(Duration.ofSeconds(20))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return send(b.build());
  }

  Answer producerCall(String method, String pathAndQuery) {
    return send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + producerPort + pathAndQuery))
            .timeout(Duration.ofSeconds(20))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build());
  }

  private static Answer send(HttpRequest request) {
    try {
      HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void join(Thread t) {
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    for (JavaApp app : List.of(producer, consumer, services[0], services[1], services[2])) {
      try {
        if (app.alive()) {
          app.resume();
          app.kill9();
        }
      } catch (RuntimeException ignored) {
        // best effort
      }
    }
    for (AutoCloseable c :
        List.<AutoCloseable>of(
            pgProxy,
            mqProxies,
            apiProxy,
            consumerApiProxy,
            checkBackProxy,
            rabbit,
            servicePg,
            appsPg)) {
      try {
        c.close();
      } catch (Exception ignored) {
        // best effort
      }
    }
    Proc.killAll();
    try {
      new ProcessBuilder("rm", "-rf", base.toString()).start().waitFor();
      lock.release();
      lockFile.close();
    } catch (IOException e) {
      // leave it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
