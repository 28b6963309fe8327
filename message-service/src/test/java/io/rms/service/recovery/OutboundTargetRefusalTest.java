package io.rms.service.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.rms.recovery.CheckAnswer;
import io.rms.recovery.CheckAnswer.Verdict;
import io.rms.recovery.CheckBackSweep;
import io.rms.recovery.PreparedMessage;
import io.rms.service.config.RmsProperties;
import io.rms.service.registry.CheckBackTargets;
import io.rms.service.registry.Registry;
import io.rms.service.testing.Api;
import io.rms.service.testing.Api.Response;
import io.rms.service.testing.DashboardClient;
import io.rms.service.testing.DashboardClient.Page;
import io.rms.service.testing.FixedDns;
import io.rms.service.testing.ProducerStub;
import io.rms.service.testing.ProducerStub.Reply;
import io.rms.service.testing.Refusals;
import io.rms.service.testing.ServiceArgs;
import io.rms.service.testing.StartedService;
import io.rms.service.testing.TestInfra;
import io.rms.service.tracing.MessageSpans;
import io.rms.testsupport.RegistryArgs;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * A service with the default check-back settings (no {@code rms.check-back.allow-loopback}, no
 * {@code block-private-addresses}, every host allowlisted) against real PostgreSQL and RabbitMQ:
 * check-back URLs on this host (loopback, any-local), at cloud metadata or link-local addresses,
 * and hosts whose DNS answer turns to such an address after registration (DNS rebinding) are
 * refused at registration, in configuration and at call time, while a producer stub on 127.0.0.1
 * shows that no request arrived. Metadata addresses stay refused with loopback allowed. Signing
 * secrets shorter than 32 bytes are refused from the admin API, the dashboard and the
 * configuration, and a short secret already stored stops the start with a message naming the app.
 */
class OutboundTargetRefusalTest {
  static final String TARGETS = "check-back targets on this host or at metadata addresses";
  static final String SECRETS = "check-back signing secrets shorter than 32 bytes";
  private static final String SECRET = "shop-check-back-secret-32-bytes-long";
  private static final String SHORT = "0123456789abcdef0123456789abcde"; // 31 bytes
  private static final String ADMIN_PASSWORD = "admin-password-1";
  private static final String SUBSCRIPTION = "audit.outbound-refusal";

  private static final Refusals refusals = new Refusals();
  private static final ProducerStub stub = new ProducerStub("127.0.0.1").signing("/shop", SECRET);
  private static final TestInfra infra = TestInfra.get();
  private static String database;
  private static StartedService service;
  private static JdbcTemplate jdbc;

  @BeforeAll
  static void start() {
    database = infra.newDatabase("outbound");
    infra.deleteAtExit(infra.queuePrefix + SUBSCRIPTION);
    service =
        StartedService.run(
            ServiceArgs.on(infra)
                .database(database)
                .with(
                    registry()
                        .and(
                            "--rms.dashboard.admin.username=admin",
                            "--rms.dashboard.admin.password=" + ADMIN_PASSWORD,
                            // the tests run the sweep themselves
                            "--rms.recovery.interval=1h",
                            "--logging.level.root=WARN")));
    jdbc = service.context().getBean(JdbcTemplate.class);
  }

  private static RegistryArgs registry() {
    return new RegistryArgs()
        .app("root", "root-key")
        .roles("ADMIN")
        .app("shop", "shop-key", "order.created")
        .checkBack("https://shop.example.com/rms/check-back", SECRET)
        .app("legacy", "legacy-key")
        .checkBack("https://legacy.example.com/rms/check-back", SECRET)
        .app("audit", "audit-key")
        .subscription(SUBSCRIPTION, "order.created", "audit");
  }

  @AfterAll
  static void stop() {
    try {
      refusals.report();
    } finally {
      stub.close();
      if (service != null) {
        service.close();
      }
    }
  }

  @Test
  void urlsOnThisHostOrAtMetadataAddressesAreRefusedAtRegistration() {
    int port = port();
    Map<String, String> refused =
        Map.ofEntries(
            Map.entry("http://127.0.0.1:" + port + "/shop", "loopback"),
            Map.entry("http://127.1.2.3/shop", "loopback"),
            Map.entry("http://localhost:" + port + "/shop", "loopback"),
            Map.entry("http://[::1]:" + port + "/shop", "loopback"),
            Map.entry("http://[::ffff:127.0.0.1]:" + port + "/shop", "loopback"),
            Map.entry("http://0.0.0.0:" + port + "/shop", "any-local"),
            Map.entry("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
            Map.entry("http://168.63.129.16/machine?comp=goalstate", "cloud metadata"),
            Map.entry("http://100.100.100.200/latest/meta-data/", "cloud metadata"),
            Map.entry("http://[fd00:ec2::254]/latest/meta-data/", "cloud metadata"),
            Map.entry("http://169.254.10.10/x", "link-local"),
            Map.entry("http://[fe80::1]/x", "link-local"));
    Api root = new Api(service.port(), "root-key");
    refused.forEach(
        (url, why) ->
            refusals.attempt(
                TARGETS,
                "admin API: " + url,
                app("shop"),
                () -> {
                  Response r =
                      root.put(
                          "/api/v1/admin/apps/shop/check-back", Map.of("url", url, "secret", ""));
                  assertThat(r.status()).as(r.raw()).isEqualTo(400);
                  assertThat(r.contentType()).startsWith("application/problem+json");
                  assertThat(r.code()).isEqualTo("validation-failed");
                  assertThat(r.text("detail")).contains(why);
                }));
  }

  @Test
  void storedUrlsOnThisHostAreNotCalled() {
    for (String host : List.of("127.0.0.1", "localhost")) {
      String url = "http://" + host + ":" + port() + "/shop";
      storeUrl(url);
      stub.always("/shop", Reply.decision("COMMIT"));
      UUID id = prepared();
      refusals.attempt(
          TARGETS,
          "stored " + url + ", checked back by the sweep",
          calls(id),
          () -> {
            jdbc.update(
                "update message set next_check_at = now() - interval '1 second' where id = ?", id);
            service.context().getBean(CheckBackSweep.class).run();
            assertThat(lastError(id))
                .contains("loopback")
                .contains("rms.check-back.allow-loopback");
          });
      cancel(id);
    }
  }

  @Test
  void aDnsAnswerThatTurnsToThisHostOrAMetadataAddressAfterRegistrationIsNotCalled() {
    for (String rebound : List.of("127.0.0.1", "168.63.129.16", "169.254.169.254")) {
      Deque<String> answers = new ArrayDeque<>(List.of("203.0.113.10", rebound));
      CheckBackTargets defaults =
          new CheckBackTargets(
              List.of("*"),
              false,
              false,
              host -> {
                if (!host.equals("rebind.test")) {
                  throw new UnknownHostException(host);
                }
                String next = answers.size() > 1 ? answers.poll() : answers.peek();
                return List.of(InetAddress.getByName(next));
              });
      String url = "http://rebind.test:" + port() + "/shop";
      assertThat(defaults.register(url)).as("public when registered").isNotNull();
      storeUrl(url);
      stub.always("/shop", Reply.decision("COMMIT"));
      UUID id = prepared();
      refusals.attempt(
          TARGETS,
          "rebind.test turned from 203.0.113.10 to " + rebound,
          calls(id),
          () -> {
            CheckAnswer answer = client(defaults).check(preparedMessage(id));
            assertThat(answer.verdict()).isEqualTo(Verdict.ERROR);
            assertThat(answer.detail()).contains(rebound);
          });
      cancel(id);
    }
  }

  @Test
  void metadataAddressesStayRefusedWithLoopbackAllowed() {
    String url = "http://producer.test:" + port() + "/shop";
    storeUrl(url);
    stub.always("/shop", Reply.decision("COMMIT"));
    UUID id = prepared();
    for (String metadata : List.of("168.63.129.16", "169.254.169.254", "fd00:ec2::254")) {
      CheckBackTargets loopbackAllowed =
          new CheckBackTargets(
              List.of("*"), false, true, FixedDns.of(Map.of("producer.test", List.of(metadata))));
      refusals.attempt(
          TARGETS,
          "allow-loopback on, producer.test resolving to " + metadata,
          calls(id),
          () -> {
            CheckAnswer answer = client(loopbackAllowed).check(preparedMessage(id));
            assertThat(answer.verdict()).isEqualTo(Verdict.ERROR);
            assertThat(answer.detail()).contains("cloud metadata");
          });
    }
    // the explicit opt-in does reach the producer on this host, at the address that was checked
    CheckBackTargets optIn =
        new CheckBackTargets(
            List.of("*"), false, true, FixedDns.of(Map.of("producer.test", List.of("127.0.0.1"))));
    int before = stub.calls("/shop").size();
    assertThat(client(optIn).check(preparedMessage(id)).verdict()).isEqualTo(Verdict.COMMIT);
    assertThat(stub.calls("/shop")).hasSize(before + 1);
    cancel(id);
  }

  @Test
  void shortSigningSecretsAreRefusedFromTheAdminApiAndTheDashboard() {
    Api root = new Api(service.port(), "root-key");
    for (String secret : List.of(SHORT, "x", "ééééééééééééééé")) {
      refusals.attempt(
          SECRETS,
          "admin API: a secret of "
              + secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
              + " bytes",
          app("shop"),
          () -> {
            Response r =
                root.put(
                    "/api/v1/admin/apps/shop/check-back",
                    Map.of("url", "https://shop.example.com/rms/check-back", "secret", secret));
            assertThat(r.status()).as(r.raw()).isEqualTo(400);
            assertThat(r.code()).isEqualTo("validation-failed");
            assertThat(r.text("detail")).contains("at least 32");
          });
    }
    DashboardClient admin = DashboardClient.loggedIn(service.port(), "admin", ADMIN_PASSWORD);
    refusals.attempt(
        SECRETS,
        "dashboard app form: a secret of 31 bytes",
        app("shop"),
        () -> {
          Page saved =
              admin.submit(
                  "/dashboard/admin/apps/shop",
                  "/dashboard/admin/apps/shop",
                  Map.of(
                      "produces",
                      "order.created",
                      "checkBackUrl",
                      "https://shop.example.com/rms/check-back",
                      "checkBackSecret",
                      SHORT,
                      "active",
                      "true"));
          assertThat(saved.status()).isEqualTo(302);
          assertThat(admin.get(saved.location().replaceFirst("^https?://[^/]+", "")).body())
              .contains("at least 32");
        });
    // 32 bytes are enough
    Response ok =
        root.put(
            "/api/v1/admin/apps/shop/check-back",
            Map.of("url", "https://shop.example.com/rms/check-back", "secret", SECRET));
    assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
  }

  @Test
  void aShortSecretOrALoopbackUrlInTheConfigurationStopsTheStart() {
    String fresh = infra.newDatabase("outbound_config");
    refusals.attempt(
        SECRETS,
        "configuration: rms.apps[0].check-back-secret of 31 bytes",
        () -> apps(fresh),
        () ->
            assertThatThrownBy(
                    () ->
                        StartedService.run(
                            ServiceArgs.on(infra)
                                .database(fresh)
                                .with(
                                    new RegistryArgs()
                                        .app("weak", "weak-key", "order.created")
                                        .checkBack("https://weak.example.com/x", SHORT)
                                        .and())))
                .hasStackTraceContaining("check-back-secret of app weak")
                .hasStackTraceContaining("at least 32"));
    refusals.attempt(
        TARGETS,
        "configuration: rms.apps[0].check-back-url on 127.0.0.1",
        () -> apps(fresh),
        () ->
            assertThatThrownBy(
                    () ->
                        StartedService.run(
                            ServiceArgs.on(infra)
                                .database(fresh)
                                .with(
                                    new RegistryArgs()
                                        .app("local", "local-key", "order.created")
                                        .checkBack("http://127.0.0.1:8080/x", SECRET)
                                        .and())))
                .hasStackTraceContaining("check-back-url of app local")
                .hasStackTraceContaining("loopback"));
  }

  @Test
  void aShortSecretStoredBeforeTheRuleStopsTheStartNamingTheApp() {
    // written past the rule: a registration made before it existed
    jdbc.update("update app set check_back_secret = 'legacy-secret' where id = 'legacy'");
    try {
      refusals.attempt(
          SECRETS,
          "stored: app legacy's secret of 13 bytes, at the next start",
          () -> apps(database),
          () ->
              assertThatThrownBy(
                      () -> StartedService.run(ServiceArgs.on(infra).database(database).with()))
                  .hasStackTraceContaining("check-back secret of app(s) legacy is shorter"));
    } finally {
      jdbc.update("update app set check_back_secret = ? where id = 'legacy'", SECRET);
    }
  }

  private static int port() {
    String url = stub.url("/");
    return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1, url.length() - 1));
  }

  private static Supplier<Object> app(String id) {
    return () ->
        jdbc.queryForList("select check_back_url, check_back_secret from app where id = ?", id);
  }

  /** The apps stored in the database at {@code url} (none before its schema exists). */
  private static Object apps(String url) {
    JdbcTemplate db =
        new JdbcTemplate(
            new org.springframework.jdbc.datasource.DriverManagerDataSource(url, "postgres", ""));
    Integer tables =
        db.queryForObject(
            "select count(*) from information_schema.tables where table_name = 'app'",
            Integer.class);
    return tables == 0
        ? List.of()
        : db.queryForList("select id, check_back_url, check_back_secret from app order by id");
  }

  private static void storeUrl(String url) {
    jdbc.update("update app set check_back_url = ? where id = 'shop'", url);
    service.context().getBean(Registry.class).refresh();
  }

  private static UUID prepared() {
    Response r =
        new Api(service.port(), "shop-key")
            .post("/api/v1/messages", Map.of("topic", "order.created", "payload", Map.of("n", 1)));
    assertThat(r.status()).as(r.raw()).isEqualTo(201);
    return r.id();
  }

  private static void cancel(UUID id) {
    new Api(service.port(), "shop-key").post("/api/v1/messages/" + id + "/cancel");
  }

  private static Supplier<Object> calls(UUID id) {
    return () ->
        List.of(
            stub.calls().size(),
            jdbc.queryForObject("select status from message where id = ?", String.class, id));
  }

  private static String lastError(UUID id) {
    return jdbc.queryForObject(
        "select detail->>'error' from message_event where message_id = ? and type = 'CHECK_BACK'"
            + " order by id desc limit 1",
        String.class,
        id);
  }

  private static HttpCheckBackClient client(CheckBackTargets targets) {
    var context = service.context();
    return new HttpCheckBackClient(
        context.getBean(Registry.class),
        CircuitBreakerRegistry.ofDefaults(),
        BulkheadRegistry.ofDefaults(),
        context.getBean(JsonMapper.class),
        context.getBean(Clock.class),
        context.getBean(RmsProperties.class),
        targets,
        (SSLSocketFactory) SSLSocketFactory.getDefault(),
        context.getBean(MessageSpans.class));
  }

  private static PreparedMessage preparedMessage(UUID id) {
    return new PreparedMessage(id, "shop", null, "order.created", null, Instant.now(), 0);
  }
}
