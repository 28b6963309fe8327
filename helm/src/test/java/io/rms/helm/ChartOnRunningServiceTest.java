package io.rms.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.rms.service.RmsApplication;
import io.rms.service.config.RmsProperties;
import io.rms.service.testing.Api;
import io.rms.service.testing.ServiceArgs;
import io.rms.service.testing.StartedService;
import io.rms.service.testing.TestInfra;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The chart against the real service: the API Deployment's environment (secret references resolved
 * from the rendered Secret) and its ConfigMap's application.yaml are handed to the service, started
 * in-process on {@link TestInfra}; only the database and broker addresses are the test's. Then the
 * probe and scrape paths the chart points at must answer, and the apps and subscription declared in
 * values must work.
 */
class ChartOnRunningServiceTest {
  private static final String FULL = "rms-reliable-message-service";

  private static Rendered rendered;
  private static Deployment api;
  private static ConfigurableApplicationContext service;
  private static int port;
  private static int managementPort;

  @BeforeAll
  static void startServiceWithTheChartsConfiguration() throws IOException {
    rendered = ChartRenderer.template("running-app.yaml");
    api = rendered.get(Deployment.class, FULL + "-api");
    Container container = Rendered.container(api);

    Path configDir = Files.createTempDirectory("rms-chart-config");
    VolumeMount mount =
        container.getVolumeMounts().stream()
            .filter(m -> m.getName().equals("config"))
            .findFirst()
            .orElseThrow();
    ConfigMap config = rendered.get(ConfigMap.class, FULL);
    Files.writeString(
        configDir.resolve("application.yaml"), config.getData().get("application.yaml"));

    Map<String, Object> env = new HashMap<>();
    for (EnvVar var : container.getEnv()) {
      env.put(var.getName(), value(var));
    }
    String location = (String) env.get("SPRING_CONFIG_ADDITIONAL_LOCATION");
    assertThat(location).isEqualTo("optional:file:" + mount.getMountPath() + "/");
    env.put("SPRING_CONFIG_ADDITIONAL_LOCATION", "optional:file:" + configDir + "/");

    TestInfra infra = TestInfra.get();
    infra.deleteAtExit(infra.queuePrefix + "cart.chart-created");
    SpringApplication app = RmsApplication.application();
    // the pod's environment, below the command line (as in a container) and read before the
    // config files are located, so SPRING_CONFIG_ADDITIONAL_LOCATION takes effect
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .addBefore(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            new SystemEnvironmentPropertySource("chart-systemEnvironment", env));
    app.setEnvironment(environment);
    StartedService started =
        StartedService.run(
            app,
            ServiceArgs.on(infra)
                .with(
                    "--management.endpoint.health.group.readiness.show-components=always",
                    "--management.endpoint.health.group.liveness.show-components=always"));
    service = started.context();
    port = started.port();
    managementPort = started.managementPort();
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  /** An env var's value, reading secretKeyRefs from the Secret the chart rendered. */
  private static String value(EnvVar var) {
    if (var.getValueFrom() == null) {
      return var.getValue();
    }
    SecretKeySelector ref = var.getValueFrom().getSecretKeyRef();
    Secret secret = rendered.get(Secret.class, ref.getName());
    String encoded = secret.getData().get(ref.getKey());
    assertThat(encoded).as("%s in Secret %s", ref.getKey(), ref.getName()).isNotNull();
    return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
  }

  /** A GET on the management port (the pod's {@code management} port). */
  private static Api.Response get(String path) {
    return new Api(managementPort, null).get(path);
  }

  @Test
  void everyProbePathOfBothDeploymentsAnswersUp() {
    Set<String> paths = new TreeSet<>();
    for (Deployment d : rendered.all(Deployment.class)) {
      Container c = Rendered.container(d);
      for (Probe probe :
          List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())) {
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management");
        int containerPort =
            c.getPorts().stream()
                .filter(p -> p.getName().equals("management"))
                .findFirst()
                .orElseThrow()
                .getContainerPort();
        assertThat(containerPort).isNotEqualTo(8080);
        assertThat(Rendered.env(d).get("MANAGEMENT_SERVER_PORT").getValue())
            .as("the service listens where the probes knock")
            .isEqualTo(String.valueOf(containerPort));
        paths.add(probe.getHttpGet().getPath());
      }
    }
    assertThat(paths).hasSize(2);
    for (String path : paths) {
      Api.Response r = get(path);
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.text("status")).as(path).isEqualTo("UP");
    }
  }

  @Test
  void readinessWaitsForTheDatabaseOnlyAndLivenessForNothingExternal() {
    String readiness = readinessPath();
    assertThat(components(get(readiness).body()))
        .as("a broker outage must not take the API pods out of the Service")
        .containsExactlyInAnyOrder("readinessState", "db");
    String liveness = Rendered.container(api).getLivenessProbe().getHttpGet().getPath();
    assertThat(components(get(liveness).body())).containsExactly("livenessState");
  }

  @Test
  void serviceMonitorPathServesPrometheusTextWithoutCredentials() {
    ServiceMonitor monitor = rendered.get(ServiceMonitor.class, FULL);
    assertThat(monitor.getSpec().getEndpoints().get(0).getPort()).isEqualTo("management");
    String path = monitor.getSpec().getEndpoints().get(0).getPath();
    assertThat(new Api(port, null).get(path).status()).as("not on the API port").isEqualTo(404);
    Api.Response r = get(path);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.raw()).contains("jvm_memory_used_bytes", "rms_publish_confirm_latency_seconds");
    assertThat(r.raw())
        .as("RMS_METRICS_BACKLOG=false on api pods: backlog gauges come from the jobs pods")
        .doesNotContain("rms_messages{");
  }

  @Test
  void appsSubscriptionsAndAdminFromValuesAreRegistered() {
    Api orders = new Api(port, "chart-orders-key");
    Api.Response prepared = orders.prepare("order.created", "payload", Map.of());
    assertThat(prepared.status()).as(prepared.raw()).isEqualTo(201);
    assertThat(new Api(port, "wrong-key").get("/api/v1/messages/" + prepared.id()).status())
        .isEqualTo(401);

    JdbcTemplate jdbc = service.getBean(JdbcTemplate.class);
    assertThat(
            jdbc.queryForObject(
                "select app_id || ' ' || topic || ' ' || max_attempts from subscription"
                    + " where name = 'cart.chart-created'",
                String.class))
        .isEqualTo("cart order.created 4");
    assertThat(
            jdbc.queryForObject(
                "select array_to_string(roles, ',') from app where id = 'admin'", String.class))
        .isEqualTo("ADMIN");
    assertThat(service.getEnvironment().getProperty("rms.role")).isEqualTo("api");
  }

  @Test
  void namedValuesAndTheDashboardAdminSecretReachTheService() {
    RmsProperties properties = service.getBean(RmsProperties.class);
    assertThat(properties.groupCommit().committers()).isEqualTo(3);
    assertThat(properties.groupCommit().maxBatch()).isEqualTo(32);
    assertThat(properties.checkBack().blockPrivateAddresses()).isTrue();
    assertThat(service.getEnvironment().getProperty("rms.dashboard.admin.password"))
        .as("resolved from the Secret through SECRET_DASHBOARD_ADMIN_PASSWORD")
        .isEqualTo("chart-admin-password");
    JdbcTemplate jdbc = service.getBean(JdbcTemplate.class);
    assertThat(
            jdbc.queryForObject(
                "select count(*) from dashboard_user where username = 'chart-admin'",
                Integer.class))
        .isEqualTo(1);
  }

  private static String readinessPath() {
    return Rendered.container(api).getReadinessProbe().getHttpGet().getPath();
  }

  private static List<String> components(JsonNode health) {
    List<String> names = new ArrayList<>();
    JsonNode components = health.get("components");
    assertThat(components).as("components shown: %s", health).isNotNull();
    Stream.of(components.propertyNames().toArray(String[]::new)).forEach(names::add);
    return names;
  }
}
