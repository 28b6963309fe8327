package io.rms.helm;

import static io.rms.helm.ChartTemplateTest.map;
import static io.rms.helm.Rendered.container;
import static io.rms.helm.Rendered.env;
import static io.rms.helm.SecretAssertions.assertSecretRef;
import static io.rms.helm.SecretAssertions.decode;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a platform team needs from the chart: actuator kept off the routed port, named values for
 * the settings they tune, credentials from their own Secrets, extra volumes and pod spreading.
 */
class ChartPlatformTest {
  private static final String FULL = "rms-reliable-message-service";
  private static final String API = FULL + "-api";
  private static final String JOBS = FULL + "-jobs";

  @Test
  void theDefaultIngressRoutesOnlyTheApiTheDashboardAndTheApiDocsToTheHttpPort() {
    Rendered r = ChartRenderer.template(Map.of("ingress.enabled", true));
    List<HTTPIngressPath> paths =
        r.get(Ingress.class, FULL).getSpec().getRules().get(0).getHttp().getPaths();
    assertThat(paths)
        .extracting(HTTPIngressPath::getPath)
        .containsExactly(
            "/api", "/dashboard", "/webjars", "/v3/api-docs", "/swagger-ui", "/swagger-ui.html");
    assertThat(paths).noneMatch(p -> p.getPath().equals("/") || p.getPath().startsWith("/act"));
    assertThat(paths)
        .allSatisfy(
            p -> assertThat(p.getBackend().getService().getPort().getName()).isEqualTo("http"));
  }

  @Test
  void theNetworkPolicyOpensTheManagementPortToItsOwnPeers() {
    Rendered r =
        ChartRenderer.template(
            Map.of(
                "networkPolicy.enabled",
                true,
                "networkPolicy.managementFrom[0].namespaceSelector.matchLabels.team",
                "monitoring"));
    var ingress = r.get(NetworkPolicy.class, FULL).getSpec().getIngress();
    assertThat(ingress).hasSize(2);
    assertThat(ingress.get(0).getPorts().get(0).getPort().getStrVal()).isEqualTo("http");
    assertThat(ingress.get(0).getFrom()).isNullOrEmpty();
    assertThat(ingress.get(1).getPorts().get(0).getPort().getStrVal()).isEqualTo("management");
    assertThat(ingress.get(1).getFrom().get(0).getNamespaceSelector().getMatchLabels())
        .containsEntry("team", "monitoring");
  }

  @Test
  void apiPodsPreferDifferentNodesAndSpreadOverZonesByDefault() {
    Rendered r = ChartRenderer.template();
    PodSpec api = r.get(Deployment.class, API).getSpec().getTemplate().getSpec();
    Map<String, String> apiLabels =
        r.get(Deployment.class, API).getSpec().getSelector().getMatchLabels();
    WeightedPodAffinityTerm term =
        api.getAffinity()
            .getPodAntiAffinity()
            .getPreferredDuringSchedulingIgnoredDuringExecution()
            .get(0);
    assertThat(term.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
    assertThat(term.getPodAffinityTerm().getLabelSelector().getMatchLabels()).isEqualTo(apiLabels);
    TopologySpreadConstraint zone = api.getTopologySpreadConstraints().get(0);
    assertThat(zone.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
    assertThat(zone.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
    assertThat(zone.getLabelSelector().getMatchLabels()).isEqualTo(apiLabels);

    PodSpec jobs = r.get(Deployment.class, JOBS).getSpec().getTemplate().getSpec();
    assertThat(jobs.getAffinity()).isNull();
    assertThat(jobs.getTopologySpreadConstraints()).isNullOrEmpty();

    PodSpec off =
        ChartRenderer.template(Map.of("api.defaultSpread", false))
            .get(Deployment.class, API)
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(off.getAffinity()).isNull();
    assertThat(off.getTopologySpreadConstraints()).isNullOrEmpty();

    PodSpec own =
        ChartRenderer.template("all-features.yaml")
            .get(Deployment.class, API)
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(own.getTopologySpreadConstraints())
        .as("the values' own constraints replace the default")
        .hasSize(1);
    assertThat(own.getTopologySpreadConstraints().get(0).getLabelSelector().getMatchLabels())
        .isNotEqualTo(apiLabels);
  }

  @Test
  void extraVolumesAndMountsReachEveryPod() {
    Rendered r = ChartRenderer.template("all-features.yaml");
    for (Deployment d : r.all(Deployment.class)) {
      assertThat(d.getSpec().getTemplate().getSpec().getVolumes())
          .filteredOn(v -> v.getName().equals("db-ca"))
          .singleElement()
          .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("db-ca"));
      assertThat(container(d).getVolumeMounts())
          .anySatisfy(
              m -> {
                assertThat(m.getName()).isEqualTo("db-ca");
                assertThat(m.getMountPath()).isEqualTo("/etc/rms/db-ca");
                assertThat(m.getReadOnly()).isTrue();
              });
    }
  }

  @Test
  void blockPrivateAddressesAndGroupCommitHaveNamedValues() {
    Map<String, Object> defaults = map(ChartRenderer.template().applicationYaml().get("rms"));
    assertThat(map(defaults.get("check-back"))).containsEntry("block-private-addresses", false);
    assertThat(map(defaults.get("group-commit")))
        .containsEntry("enabled", true)
        .containsEntry("committers", 4)
        .containsEntry("max-batch", 64);

    Map<String, Object> set =
        map(ChartRenderer.template("all-features.yaml").applicationYaml().get("rms"));
    assertThat(map(set.get("check-back"))).containsEntry("block-private-addresses", true);
    assertThat(map(set.get("group-commit")))
        .containsEntry("enabled", false)
        .containsEntry("committers", 2)
        .containsEntry("max-batch", 16);
  }

  @Test
  void tracingIsOffByDefaultAndOneValueSwitchesItOn() {
    Map<String, Object> defaults = map(ChartRenderer.template().applicationYaml().get("rms"));
    assertThat(map(defaults.get("tracing")))
        .containsEntry("enabled", false)
        .containsEntry("viewer-url", "");

    Map<String, Object> on =
        map(ChartRenderer.template("tracing.yaml").applicationYaml().get("rms"));
    assertThat(map(on.get("tracing")))
        .containsEntry("enabled", true)
        .containsEntry("otlp-endpoint", "http://otel-collector:4318/v1/traces")
        .containsEntry("sampling-probability", 0.25)
        .containsEntry("viewer-url", "https://jaeger.example/trace/{traceId}");
  }

  @Test
  void dashboardAdminPasswordAndOidcClientSecretGivenInClearGoToTheChartSecret() {
    Rendered r = ChartRenderer.template("all-features.yaml");
    Secret secret = r.get(Secret.class, FULL);
    assertThat(decode(secret, "dashboard-admin-password")).isEqualTo("dashboard-secret-1");
    assertThat(decode(secret, "oidc-client-secret")).isEqualTo("oidc-secret-1");
    for (Deployment d : r.all(Deployment.class)) {
      assertSecretRef(
          env(d).get("SECRET_DASHBOARD_ADMIN_PASSWORD"), FULL, "dashboard-admin-password");
      assertSecretRef(env(d).get("SECRET_OIDC_CLIENT_SECRET"), FULL, "oidc-client-secret");
    }
    assertThat(r.get(ConfigMap.class, FULL).getData().get("application.yaml"))
        .doesNotContain("dashboard-secret-1", "oidc-secret-1");

    Map<String, Object> app = r.applicationYaml();
    assertThat(map(map(map(app.get("rms")).get("dashboard")).get("admin")))
        .containsEntry("username", "ops-admin")
        .containsEntry("password", "${SECRET_DASHBOARD_ADMIN_PASSWORD}");
    Map<String, Object> client =
        map(map(map(map(app.get("spring")).get("security")).get("oauth2")).get("client"));
    assertThat(map(map(client.get("registration")).get("corp")))
        .containsEntry("client-id", "rms-dashboard")
        .containsEntry("client-secret", "${SECRET_OIDC_CLIENT_SECRET}")
        .containsEntry("client-name", "Corp SSO")
        .containsEntry("authorization-grant-type", "authorization_code")
        .containsEntry("redirect-uri", "{baseUrl}/dashboard/login/oauth2/code/{registrationId}");
    assertThat(map(map(client.get("provider")).get("corp")))
        .containsEntry("issuer-uri", "https://login.example.com/realms/ops");
  }

  @Test
  void dashboardAdminPasswordAndOidcClientSecretComeFromExistingSecrets() {
    Rendered r = ChartRenderer.template("existing-secrets.yaml");
    for (Deployment d : r.all(Deployment.class)) {
      Map<String, EnvVar> env = env(d);
      assertSecretRef(
          env.get("SECRET_DASHBOARD_ADMIN_PASSWORD"), "rms-dashboard", "admin-password");
      assertSecretRef(env.get("SECRET_OIDC_CLIENT_SECRET"), "rms-dashboard", "oidc-client-secret");
    }
    Map<String, Object> oidc =
        map(
            map(map(map(map(map(r.applicationYaml().get("spring")).get("security")).get("oauth2"))
                        .get("client"))
                    .get("registration"))
                .get("oidc"));
    assertThat(oidc).containsEntry("client-secret", "${SECRET_OIDC_CLIENT_SECRET}");

    Rendered none = ChartRenderer.template();
    assertThat(env(none.get(Deployment.class, API)))
        .doesNotContainKeys("SECRET_DASHBOARD_ADMIN_PASSWORD", "SECRET_OIDC_CLIENT_SECRET");
    assertThat(none.applicationYaml()).doesNotContainKey("spring");
  }
}
