package io.rms.helm;

import static io.rms.helm.Rendered.container;
import static io.rms.helm.Rendered.env;
import static io.rms.helm.SecretAssertions.assertSecretRef;
import static io.rms.helm.SecretAssertions.decode;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code helm template} output for the main value sets, parsed into fabric8's typed model. */
class ChartTemplateTest {
  private static final String FULL = "rms-reliable-message-service";
  private static final String API = FULL + "-api";
  private static final String JOBS = FULL + "-jobs";

  static Stream<Arguments> valueSets() {
    return Stream.of(
        Arguments.of("defaults", Map.of(), new String[0]),
        Arguments.of("all features", Map.of(), new String[] {"all-features.yaml"}),
        Arguments.of("existing secrets", Map.of(), new String[] {"existing-secrets.yaml"}),
        Arguments.of(
            "mode all, all features", Map.of("mode", "all"), new String[] {"all-features.yaml"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void everyRenderedFieldIsKnownToTheKubernetesModel(
      String name, Map<String, Object> sets, String[] files) {
    Rendered rendered = ChartRenderer.template(sets, files);
    assertThat(rendered.objects).isNotEmpty();
    for (HasMetadata object : rendered.objects) {
      String path = object.getKind() + "/" + object.getMetadata().getName();
      assertThat(object.getClass().getName())
          .as("%s has a typed model", path)
          .doesNotContain("Generic");
      assertThat(UnknownFields.in(object, path)).as("unknown fields").isEmpty();
      assertThat(object.getMetadata().getNamespace()).as(path).isEqualTo("messaging");
      Map<String, String> labels = object.getMetadata().getLabels();
      assertThat(labels)
          .as(path)
          .containsEntry("app.kubernetes.io/name", "reliable-message-service")
          .containsEntry("app.kubernetes.io/instance", "rms")
          .containsEntry("app.kubernetes.io/managed-by", "Helm")
          .containsEntry("app.kubernetes.io/version", "0.1.0")
          .containsEntry("helm.sh/chart", "reliable-message-service-0.1.0");
    }
  }

  @Test
  void unknownFieldCheckCatchesAMisplacedKey() {
    Rendered rendered =
        Rendered.parse(
            """
            apiVersion: v1
            kind: Service
            metadata:
              name: x
            spec:
              ports:
                - port: 80
                  targetPorts: http
            """);
    assertThat(UnknownFields.in(rendered.objects.get(0), "Service/x"))
        .containsExactly("Service/x.spec.ports[0].targetPorts");
  }

  @Test
  void defaultsRenderSplitApiAndJobsDeploymentsWithHardenedPods() {
    Rendered r = ChartRenderer.template();
    assertThat(r.names())
        .containsExactly(
            "ConfigMap/" + FULL,
            "Deployment/" + API,
            "Deployment/" + JOBS,
            "PodDisruptionBudget/" + API,
            "PodDisruptionBudget/" + JOBS,
            "Service/" + FULL,
            "ServiceAccount/" + FULL);

    Deployment api = r.get(Deployment.class, API);
    Deployment jobs = r.get(Deployment.class, JOBS);
    assertThat(api.getSpec().getReplicas()).isEqualTo(2);
    assertThat(jobs.getSpec().getReplicas()).isEqualTo(1);
    assertThat(env(api).get("RMS_ROLE").getValue()).isEqualTo("api");
    assertThat(env(jobs).get("RMS_ROLE").getValue()).isEqualTo("jobs");
    assertThat(env(api).get("RMS_METRICS_BACKLOG").getValue())
        .as("backlog gauges only from the jobs pods")
        .isEqualTo("false");
    assertThat(env(jobs).get("RMS_METRICS_BACKLOG").getValue()).isEqualTo("true");
    assertThat(api.getSpec().getSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/component", "api");
    assertThat(api.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(api.getSpec().getSelector().getMatchLabels());
    assertThat(jobs.getSpec().getSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/component", "jobs");

    for (Deployment d : List.of(api, jobs)) {
      PodSpec pod = d.getSpec().getTemplate().getSpec();
      Container c = container(d);
      assertThat(c.getImage()).isEqualTo("reliable-message-service:0.1.0");
      assertThat(pod.getAutomountServiceAccountToken()).isFalse();
      assertThat(pod.getEnableServiceLinks()).as("no env vars Spring would bind").isFalse();
      assertThat(pod.getServiceAccountName()).isEqualTo(FULL);
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(pod.getSecurityContext().getSeccompProfile().getType())
          .isEqualTo("RuntimeDefault");
      assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(c.getVolumeMounts())
          .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
      assertThat(pod.getVolumes())
          .anySatisfy(
              v -> {
                assertThat(v.getName()).isEqualTo("tmp");
                assertThat(v.getEmptyDir()).isNotNull();
              })
          .anySatisfy(v -> assertThat(v.getConfigMap().getName()).isEqualTo(FULL));
      assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
      assertThat(c.getResources().getLimits()).containsKey("memory");
      assertProbe(c.getStartupProbe(), "/actuator/health/liveness");
      assertProbe(c.getLivenessProbe(), "/actuator/health/liveness");
      assertProbe(c.getReadinessProbe(), "/actuator/health/readiness");
      assertThat(c.getLifecycle().getPreStop().getSleep().getSeconds()).isEqualTo(5L);
      assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(60L);
      Map<String, EnvVar> env = env(d);
      assertThat(env.get("SPRING_DATASOURCE_URL").getValue())
          .isEqualTo("jdbc:postgresql://postgresql:5432/rms");
      assertThat(env.get("SPRING_RABBITMQ_HOST").getValue()).isEqualTo("rabbitmq");
      assertThat(env.get("SPRING_CONFIG_ADDITIONAL_LOCATION").getValue())
          .isEqualTo("optional:file:/config/");
      assertThat(env).doesNotContainKeys("SPRING_DATASOURCE_PASSWORD", "SECRET_ADMIN_API_KEY");
      assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
          .containsKeys("checksum/config", "checksum/secret");
    }

    Service service = r.get(Service.class, FULL);
    assertThat(service.getSpec().getSelector()).containsEntry("app.kubernetes.io/component", "api");
    assertThat(service.getSpec().getPorts().get(0).getPort()).isEqualTo(8080);
    assertThat(service.getSpec().getPorts().get(0).getTargetPort().getStrVal()).isEqualTo("http");
    assertThat(service.getSpec().getPorts().get(1).getPort()).isEqualTo(8091);
    assertThat(service.getSpec().getPorts().get(1).getTargetPort().getStrVal())
        .isEqualTo("management");
    for (Deployment d : List.of(api, jobs)) {
      assertThat(container(d).getPorts())
          .extracting(p -> p.getName() + ":" + p.getContainerPort())
          .containsExactly("http:8080", "management:8091");
      assertThat(env(d).get("MANAGEMENT_SERVER_PORT").getValue()).isEqualTo("8091");
      assertThat(env(d)).as("Flyway runs in the pods").doesNotContainKey("SPRING_FLYWAY_ENABLED");
    }

    PodDisruptionBudget pdb = r.get(PodDisruptionBudget.class, JOBS);
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .isEqualTo(jobs.getSpec().getSelector().getMatchLabels());
    assertThat(r.get(ServiceAccount.class, FULL).getAutomountServiceAccountToken()).isFalse();

    Map<String, Object> app = r.applicationYaml();
    Map<String, Object> rms = map(app.get("rms"));
    assertThat(rms.get("apps")).isEqualTo(List.of());
    assertThat(map(rms.get("demo"))).containsEntry("enabled", false);
    assertThat(map(rms.get("check-back"))).containsEntry("max-checks", 15);
    assertThat(rms).containsEntry("retention", "7d").containsEntry("payload-max-bytes", 1048576);
  }

  @Test
  void everyOptionalFeatureRendersItsObject() {
    Rendered r = ChartRenderer.template("all-features.yaml");
    assertThat(r.names())
        .containsExactly(
            "ConfigMap/" + FULL,
            "ConfigMap/" + FULL + "-dashboard",
            "Deployment/" + API,
            "Deployment/" + JOBS,
            "HorizontalPodAutoscaler/" + API,
            "Ingress/" + FULL,
            "NetworkPolicy/" + FULL,
            "PodDisruptionBudget/" + API,
            "PodDisruptionBudget/" + JOBS,
            "PrometheusRule/" + FULL,
            "Secret/" + FULL,
            "Service/" + FULL,
            "Service/" + FULL + "-metrics",
            "ServiceAccount/" + FULL,
            "ServiceMonitor/" + FULL);

    Deployment api = r.get(Deployment.class, API);
    assertThat(api.getSpec().getReplicas()).as("the HPA owns the replicas").isNull();
    assertThat(r.get(Deployment.class, JOBS).getSpec().getReplicas()).isEqualTo(1);
    assertThat(container(api).getImage())
        .isEqualTo("registry.example.com/platform/reliable-message-service:1.2.3");
    PodSpec pod = api.getSpec().getTemplate().getSpec();
    assertThat(pod.getImagePullSecrets().get(0).getName()).isEqualTo("registry-credentials");
    assertThat(pod.getPriorityClassName()).isEqualTo("high");
    assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
    assertThat(pod.getTolerations().get(0).getValue()).isEqualTo("messaging");
    assertThat(pod.getTopologySpreadConstraints().get(0).getTopologyKey())
        .isEqualTo("topology.kubernetes.io/zone");

    Map<String, EnvVar> env = env(api);
    assertThat(env.get("SPRING_DATASOURCE_URL").getValue())
        .isEqualTo("jdbc:postgresql://pg.db.svc:5433/rms_prod?sslmode=require");
    assertThat(env.get("SPRING_RABBITMQ_SSL_ENABLED").getValue()).isEqualTo("true");
    assertThat(env.get("SPRING_RABBITMQ_VIRTUAL_HOST").getValue()).isEqualTo("rms");
    assertThat(env.get("TZ").getValue()).isEqualTo("UTC");
    assertSecretRef(env.get("SPRING_DATASOURCE_PASSWORD"), FULL, "database-password");
    assertSecretRef(env.get("SPRING_RABBITMQ_PASSWORD"), FULL, "rabbitmq-password");
    assertSecretRef(env.get("SECRET_APP_0_API_KEYS"), FULL, "app-0-api-keys");
    assertSecretRef(env.get("SECRET_APP_0_CHECK_BACK_SECRET"), FULL, "app-0-check-back-secret");
    assertSecretRef(env.get("SECRET_ADMIN_API_KEY"), FULL, "admin-api-key");
    assertThat(env).doesNotContainKey("SECRET_APP_1_CHECK_BACK_SECRET");

    Secret secret = r.get(Secret.class, FULL);
    assertThat(decode(secret, "database-password")).isEqualTo("db-secret");
    assertThat(decode(secret, "rabbitmq-password")).isEqualTo("mq-secret");
    assertThat(decode(secret, "app-0-api-keys")).isEqualTo("orders-key-1,orders-key-2");
    assertThat(decode(secret, "app-0-check-back-secret")).isEqualTo("orders-check-back");
    assertThat(decode(secret, "admin-api-key")).isEqualTo("admin-key-123");

    String config = r.get(ConfigMap.class, FULL).getData().get("application.yaml");
    assertThat(config)
        .as("no secret in the ConfigMap")
        .doesNotContain("orders-key-1", "orders-check-back", "admin-key-123", "db-secret");
    Map<String, Object> rms = map(r.applicationYaml().get("rms"));
    List<Map<String, Object>> apps = list(rms.get("apps"));
    assertThat(apps.get(0))
        .containsEntry("id", "orders")
        .containsEntry("api-keys", "${SECRET_APP_0_API_KEYS}")
        .containsEntry("check-back-secret", "${SECRET_APP_0_CHECK_BACK_SECRET}")
        .containsEntry("check-back-url", "http://orders.shop.svc:8080/rms/check-back")
        .containsEntry("produces", List.of("order.created"));
    assertThat(apps.get(2)).containsEntry("roles", List.of("OPERATOR"));
    assertThat(apps.get(3))
        .containsEntry("id", "admin")
        .containsEntry("roles", List.of("ADMIN"))
        .containsEntry("api-keys", "${SECRET_ADMIN_API_KEY}");
    assertThat(list(rms.get("subscriptions")).get(0))
        .containsEntry("name", "cart.order-created")
        .containsEntry("ack-timeout", "30s")
        .containsEntry("max-attempts", 5)
        .containsEntry("ordered", true)
        .containsEntry("backfill-from", "2026-12-01T00:00:00Z");
    assertThat(list(rms.get("subscriptions")).get(1))
        .containsEntry("delivery", "push")
        .containsEntry(
            "push",
            Map.of(
                "url", "https://audit.shop.svc:8443/rms/push",
                "timeout", "5s",
                "concurrency", 8,
                "rate", 50,
                "pause-after", "15m"));
    assertThat(list(rms.get("subscriptions")).get(2))
        .containsEntry("delivery", "pull")
        .doesNotContainKey("push");
    assertThat(map(rms.get("push"))).containsEntry("allowed-hosts", List.of("*"));
    assertThat(map(rms.get("pull")))
        .containsEntry("max-waiters", 1000)
        .containsEntry("retry-interval", "500ms");
    assertThat(map(rms.get("broker"))).containsEntry("queue-type", "quorum");
    assertThat(map(map(r.applicationYaml().get("logging")).get("level")))
        .as("config is merged over the generated file")
        .containsEntry("io.rms", "DEBUG");

    HorizontalPodAutoscaler hpa = r.get(HorizontalPodAutoscaler.class, API);
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(API);
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(12);
    assertThat(hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization())
        .isEqualTo(60);

    Ingress ingress = r.get(Ingress.class, FULL);
    assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
    assertThat(ingress.getSpec().getTls().get(0).getSecretName()).isEqualTo("rms-tls");
    assertThat(
            ingress
                .getSpec()
                .getRules()
                .get(0)
                .getHttp()
                .getPaths()
                .get(0)
                .getBackend()
                .getService()
                .getName())
        .isEqualTo(FULL);

    NetworkPolicy np = r.get(NetworkPolicy.class, FULL);
    assertThat(np.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
    assertThat(np.getSpec().getPodSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/instance", "rms")
        .doesNotContainKey("app.kubernetes.io/component");
    List<NetworkPolicyEgressRule> egress = np.getSpec().getEgress();
    assertThat(egress).hasSize(4);
    assertThat(egress.get(0).getPorts()).extracting(p -> p.getPort().getIntVal()).contains(53);
    assertThat(egress.get(1).getPorts().get(0).getPort().getIntVal()).isEqualTo(5433);
    assertThat(egress.get(1).getTo().get(0).getIpBlock().getCidr()).isEqualTo("10.10.0.0/16");
    assertThat(egress.get(2).getPorts().get(0).getPort().getIntVal()).isEqualTo(5671);
    assertThat(egress.get(3).getTo())
        .extracting(p -> p.getIpBlock().getCidr())
        .containsExactly("10.20.0.0/16", "192.168.5.0/24");
    assertThat(egress.get(3).getPorts().get(0).getPort().getIntVal()).isEqualTo(8080);
    assertThat(np.getSpec().getIngress().get(0).getFrom().get(0).getNamespaceSelector())
        .isNotNull();

    Service metrics = r.get(Service.class, FULL + "-metrics");
    assertThat(metrics.getSpec().getSelector())
        .as("api and jobs pods are scraped")
        .doesNotContainKey("app.kubernetes.io/component");
    ServiceMonitor monitor = r.get(ServiceMonitor.class, FULL);
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
    assertThat(monitor.getSpec().getSelector().getMatchLabels())
        .isEqualTo(
            metrics.getMetadata().getLabels().entrySet().stream()
                .filter(
                    e -> monitor.getSpec().getSelector().getMatchLabels().containsKey(e.getKey()))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))
        .hasSize(3);
    assertThat(monitor.getSpec().getEndpoints().get(0).getPath()).isEqualTo("/actuator/prometheus");
    assertThat(monitor.getSpec().getEndpoints().get(0).getPort()).isEqualTo("management");
    assertThat(metrics.getSpec().getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("management"));
    assertThat(monitor.getSpec().getJobLabel()).isEqualTo("app.kubernetes.io/instance");

    Map<String, Rule> rules = rules(r.get(PrometheusRule.class, FULL));
    assertThat(rules)
        .containsOnlyKeys(
            "RmsOldestPreparedMessage",
            "RmsInDoubtMessages",
            "RmsDeadDeliveries",
            "RmsParkedOrderingKeys",
            "RmsOrderingKeysWaitingTooLong",
            "RmsCheckBackFailureRate",
            "RmsCheckBackCircuitOpen",
            "RmsSubscriptionPaused",
            "RmsSweepStale",
            "RmsSweepMetricsAbsent");
    String sel = "{namespace=\"messaging\",job=\"rms\"}";
    assertThat(expr(rules, "RmsOldestPreparedMessage"))
        .isEqualTo("max(rms_messages_oldest_prepared_age_seconds" + sel + ") > 900");
    assertThat(expr(rules, "RmsInDoubtMessages"))
        .isEqualTo(
            "max(rms_messages{namespace=\"messaging\",job=\"rms\",status=\"IN_DOUBT\"}) > 0");
    assertThat(rules.get("RmsInDoubtMessages").getAnnotations().get("description"))
        .contains("/api/v1/admin/messages/{id}/resolve");
    assertThat(expr(rules, "RmsDeadDeliveries"))
        .isEqualTo("max by (subscription) (rms_deliveries_dead" + sel + ") > 0");
    assertThat(expr(rules, "RmsParkedOrderingKeys"))
        .isEqualTo("max by (subscription) (rms_ordering_keys_parked" + sel + ") > 0");
    assertThat(rules.get("RmsParkedOrderingKeys").getAnnotations().get("description"))
        .contains("/api/v1/admin/deliveries/discard");
    assertThat(expr(rules, "RmsOrderingKeysWaitingTooLong"))
        .isEqualTo("max by (subscription) (rms_ordering_keys_waiting_too_long" + sel + ") > 0");
    assertThat(rules.get("RmsOrderingKeysWaitingTooLong").getAnnotations().get("summary"))
        .contains("longer than 5m");
    assertThat(expr(rules, "RmsCheckBackFailureRate"))
        .contains("rms_checkback_outcomes_total{namespace=\"messaging\",job=\"rms\",decision!~")
        .endsWith("> 0.25");
    assertThat(expr(rules, "RmsCheckBackCircuitOpen"))
        .contains(
            "resilience4j_circuitbreaker_state{namespace=\"messaging\",job=\"rms\",state=\"open\"}");
    assertThat(expr(rules, "RmsSweepStale"))
        .isEqualTo("(time() - max by (sweep) (rms_sweep_last_run" + sel + ")) > 420");
    assertThat(rules.get("RmsDeadDeliveries").getLabels()).containsEntry("severity", "critical");
    assertThat(rules.get("RmsDeadDeliveries").getAnnotations().get("summary"))
        .contains("{{ $labels.subscription }}");

    ConfigMap dashboard = r.get(ConfigMap.class, FULL + "-dashboard");
    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    String json = dashboard.getData().get("reliable-message-service.json");
    Map<String, Object> parsed = readJson(json);
    assertThat(parsed).containsEntry("uid", "reliable-message-service");
    assertThat(json)
        .contains(
            "rms_messages{",
            "rms_deliveries_dead{",
            "rms_messages_oldest_prepared_age_seconds{",
            "rms_deliveries_oldest_unacked_age_seconds{",
            "rms_publish_confirm_latency_seconds_bucket{",
            "rms_delivery_e2e_latency_seconds_bucket{",
            "rms_checkback_outcomes_total{",
            "resilience4j_circuitbreaker_state{",
            "rms_sweep_duration_seconds_sum{",
            "rms_sweep_batch_size_sum{",
            "rms_sweep_last_run{");
  }

  @Test
  void existingSecretsReplaceTheChartSecret() {
    Rendered r = ChartRenderer.template("existing-secrets.yaml");
    assertThat(r.find(Secret.class, FULL)).as("nothing left for the chart to store").isEmpty();
    for (Deployment d : r.all(Deployment.class)) {
      Map<String, EnvVar> env = env(d);
      assertSecretRef(env.get("SPRING_DATASOURCE_PASSWORD"), "pg-credentials", "pg-password");
      assertSecretRef(env.get("SPRING_DATASOURCE_USERNAME"), "pg-credentials", "pg-user");
      assertSecretRef(env.get("SPRING_RABBITMQ_PASSWORD"), "mq-credentials", "password");
      assertThat(env.get("SPRING_RABBITMQ_USERNAME").getValue()).isEqualTo("rms");
      assertSecretRef(env.get("SECRET_APP_0_API_KEYS"), "orders-rms", "api-keys");
      assertSecretRef(env.get("SECRET_APP_0_CHECK_BACK_SECRET"), "orders-rms", "check-back-secret");
      assertSecretRef(env.get("SECRET_APP_1_API_KEYS"), "cart-rms", "keys");
      assertThat(env)
          .as("cart has no check-back URL")
          .doesNotContainKey("SECRET_APP_1_CHECK_BACK_SECRET");
      assertSecretRef(env.get("SECRET_ADMIN_API_KEY"), "rms-admin", "token");
    }
  }

  @Test
  void theClassicQueueVersionReachesTheServiceOnlyWhenSet() {
    Map<String, Object> unset = map(ChartRenderer.template().applicationYaml().get("rms"));
    assertThat(map(unset.get("broker")))
        .containsEntry("queue-type", "classic")
        .doesNotContainKey("classic-queue-version");

    Map<String, Object> set =
        map(
            ChartRenderer.template(Map.of("externalRabbitmq.classicQueueVersion", 2))
                .applicationYaml()
                .get("rms"));
    assertThat(map(set.get("broker"))).containsEntry("classic-queue-version", 2);
  }

  @Test
  void modeAllRendersOneDeploymentRunningBothRoles() {
    Rendered r = ChartRenderer.template(Map.of("mode", "all"));
    List<Deployment> deployments = r.all(Deployment.class);
    assertThat(deployments).hasSize(1);
    Deployment all = deployments.get(0);
    assertThat(all.getMetadata().getName()).isEqualTo(FULL);
    assertThat(env(all).get("RMS_ROLE").getValue()).isEqualTo("all");
    assertThat(env(all).get("RMS_METRICS_BACKLOG").getValue()).isEqualTo("true");
    assertThat(all.getSpec().getReplicas()).isEqualTo(2);
    assertThat(r.get(Service.class, FULL).getSpec().getSelector())
        .isEqualTo(all.getSpec().getSelector().getMatchLabels());
    assertThat(r.all(PodDisruptionBudget.class))
        .singleElement()
        .satisfies(p -> assertThat(p.getMetadata().getName()).isEqualTo(FULL));
  }

  @Test
  void preStopSleepIsLeftOutBeforeKubernetes130() {
    String out =
        new com.marcnuri.helm.Helm(ChartRenderer.CHART)
            .template()
            .withName("rms")
            .withKubeVersion("1.29.0")
            .call();
    Deployment api = Rendered.parse(out).get(Deployment.class, API);
    assertThat(container(api).getLifecycle()).isNull();
  }

  private static void assertProbe(Probe probe, String path) {
    assertThat(probe).isNotNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management");
  }

  private static Map<String, Rule> rules(PrometheusRule rule) {
    return rule.getSpec().getGroups().stream()
        .flatMap(g -> g.getRules().stream())
        .collect(java.util.stream.Collectors.toMap(Rule::getAlert, x -> x));
  }

  private static String expr(Map<String, Rule> rules, String alert) {
    return rules.get(alert).getExpr().getStrVal().replace("\n", " ").trim();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Object o) {
    assertThat(o).isInstanceOf(List.class);
    return (List<Map<String, Object>>) o;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readJson(String json) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Map.class);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
