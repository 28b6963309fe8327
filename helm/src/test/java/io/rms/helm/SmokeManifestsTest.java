package io.rms.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the manifests helm/smoke.sh gives {@code podman kube play}: the chart rendered with the
 * values of docs/deploy.md §4 (taken from the guide) and the smoke's overrides ({@code
 * <rms.smoke.dir>/overrides.yaml}). Runs only when helm/smoke.sh sets {@code rms.smoke.dir}.
 *
 * <p>{@code migrate.yaml}: the migration Job's pod template as a Pod (podman plays no Jobs). {@code
 * app.yaml}: the ConfigMaps and the Deployments, the api Deployment's ports published on the host
 * at port + 10000. Everything rendered and written is validated strictly ({@link StrictManifests}).
 * {@code chart-secret-<name>.json}: the chart's Secrets, for {@code podman secret create}. {@code
 * dropped.txt}: the objects podman does not play.
 */
@EnabledIfSystemProperty(named = "rms.smoke.dir", matches = ".+")
class SmokeManifestsTest {
  static final int HOST_PORT_OFFSET = 10000;
  private static final Path JOB = ChartRenderer.CHART.resolve("templates/job-migrate.yaml");

  @Test
  void writesTheManifestsPodmanPlays() throws IOException {
    Path dir = Path.of(System.getProperty("rms.smoke.dir"));
    Path guide = GuideValues.writeTo(dir.resolve("guide-values.yaml"));
    String job = Files.readString(JOB);
    assertThat(job).contains("helm.sh/hook: pre-install,pre-upgrade");
    Rendered r =
        ChartRenderer.templateOfCopy(
            Files.createTempDirectory(dir, "chart"),
            "templates/job-migrate.yaml",
            job.replace("helm.sh/hook: pre-install,pre-upgrade", "rendered-for-smoke: hook"),
            guide,
            dir.resolve("overrides.yaml"));

    // the manifests as rendered, and below as podman gets them, valid against the API schema
    assertThat(StrictManifests.problems(r.text)).isEmpty();
    Job migrate = r.all(Job.class).get(0);
    Pod migratePod =
        new PodBuilder()
            .withNewMetadata()
            .withName(migrate.getMetadata().getName())
            .withLabels(migrate.getSpec().getTemplate().getMetadata().getLabels())
            .endMetadata()
            .withSpec(migrate.getSpec().getTemplate().getSpec())
            .build();
    String migrateYaml = document(migratePod);
    assertThat(StrictManifests.problems(migrateYaml)).isEmpty();
    Files.writeString(dir.resolve("migrate.yaml"), migrateYaml);

    List<HasMetadata> app = new ArrayList<>();
    app.addAll(r.all(ConfigMap.class));
    for (Secret secret : r.all(Secret.class)) {
      // podman plays no Secret: helm/smoke.sh makes each file a podman secret of that name, whose
      // content podman reads as a JSON object of base64 values
      Map<String, String> data = new TreeMap<>();
      if (secret.getData() != null) {
        data.putAll(secret.getData());
      }
      if (secret.getStringData() != null) {
        secret
            .getStringData()
            .forEach(
                (k, v) ->
                    data.put(
                        k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
      }
      Files.writeString(
          dir.resolve("chart-secret-" + secret.getMetadata().getName() + ".json"),
          Rendered.KUBE.asJson(data));
    }
    for (Deployment deployment : r.all(Deployment.class)) {
      if (deployment.getMetadata().getName().endsWith("-api")) {
        for (ContainerPort port : Rendered.container(deployment).getPorts()) {
          port.setHostPort(port.getContainerPort() + HOST_PORT_OFFSET);
        }
      }
      app.add(deployment);
    }
    assertThat(r.all(Deployment.class)).hasSize(2);
    String appYaml =
        app.stream().map(SmokeManifestsTest::document).collect(Collectors.joining("\n"));
    assertThat(StrictManifests.problems(appYaml)).isEmpty();
    Files.writeString(dir.resolve("app.yaml"), appYaml);
    Files.writeString(
        dir.resolve("dropped.txt"),
        r.objects.stream()
                .filter(o -> !app.contains(o) && o != migrate && !(o instanceof Secret))
                .map(o -> o.getKind() + "/" + o.getMetadata().getName())
                .sorted()
                .collect(Collectors.joining("\n"))
            + "\n");
  }

  private static String document(HasMetadata object) {
    String yaml = Rendered.KUBE.asYaml(object);
    return yaml.startsWith("---") ? yaml : "---\n" + yaml;
  }
}
