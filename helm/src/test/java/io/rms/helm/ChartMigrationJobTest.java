package io.rms.helm;

import static io.rms.helm.Rendered.env;
import static io.rms.helm.SecretAssertions.assertSecretRef;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration Job: a pre-install/pre-upgrade hook running the image with {@code rms.role=migrate}
 * and the migration user's own credentials, while the Deployments start with Flyway off. {@code
 * helm template} through helm-java leaves hooks out, so the Job is rendered from a copy of the
 * chart whose hook annotation is removed, after checking the original carries it.
 */
class ChartMigrationJobTest {
  private static final String FULL = "rms-reliable-message-service";
  private static final Path JOB = ChartRenderer.CHART.resolve("templates/job-migrate.yaml");

  private static Rendered renderWithoutHook(Path tmp, String valuesFile) throws IOException {
    String source = Files.readString(JOB);
    assertThat(source).contains("helm.sh/hook: pre-install,pre-upgrade");
    return ChartRenderer.templateOfCopy(
        tmp,
        "templates/job-migrate.yaml",
        source.replace("helm.sh/hook: pre-install,pre-upgrade", "rendered-for-test: hook"),
        ChartRenderer.resource("values/" + valuesFile));
  }

  @Test
  void theJobMigratesWithItsOwnCredentialsAndThePodsStartWithFlywayOff(@TempDir Path tmp)
      throws IOException {
    Rendered r = renderWithoutHook(tmp, "existing-secrets.yaml");
    Job job = r.get(Job.class, FULL + "-migrate");
    assertThat(UnknownFields.in(job, "Job")).isEmpty();
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getServiceAccountName())
        .as("the release's ServiceAccount does not exist before install")
        .isNull();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    Container c = pod.getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("reliable-message-service:0.1.0");
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    Map<String, EnvVar> env =
        c.getEnv().stream().collect(java.util.stream.Collectors.toMap(EnvVar::getName, e -> e));
    assertThat(env.get("RMS_ROLE").getValue()).isEqualTo("migrate");
    assertThat(env.get("SPRING_DATASOURCE_URL").getValue())
        .isEqualTo("jdbc:postgresql://postgresql:5432/rms");
    assertSecretRef(env.get("SPRING_DATASOURCE_USERNAME"), "rms-migrator", "username");
    assertSecretRef(env.get("SPRING_DATASOURCE_PASSWORD"), "rms-migrator", "password");
    assertThat(env).doesNotContainKeys("SECRET_ADMIN_API_KEY", "SPRING_RABBITMQ_PASSWORD");
    assertThat(job.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/component", "migrate");

    for (Deployment d : r.all(Deployment.class)) {
      assertThat(env(d).get("SPRING_FLYWAY_ENABLED").getValue()).isEqualTo("false");
      assertSecretRef(env(d).get("SPRING_DATASOURCE_USERNAME"), "pg-credentials", "pg-user");
    }
    assertThat(r.get(Deployment.class, FULL + "-api").getSpec().getSelector().getMatchLabels())
        .as("no Deployment or PDB selects the Job's pod")
        .containsEntry("app.kubernetes.io/component", "api");
  }

  @Test
  void theJobMountsTheExtraVolumes(@TempDir Path tmp) throws IOException {
    Path values = tmp.resolve("values.yaml");
    Files.writeString(
        values,
        Files.readString(ChartRenderer.resource("values/all-features.yaml"))
            + "\nmigrations:\n  job:\n    enabled: true\n    existingSecret: rms-migrator\n");
    String source = Files.readString(JOB);
    Rendered r =
        ChartRenderer.templateOfCopy(
            tmp,
            "templates/job-migrate.yaml",
            source.replace("helm.sh/hook: pre-install,pre-upgrade", "rendered-for-test: hook"),
            values);
    PodSpec pod = r.get(Job.class, FULL + "-migrate").getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("db-ca"))
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("db-ca"));
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/rms/db-ca"));
    assertThat(
            pod.getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("SPRING_DATASOURCE_USERNAME"))
                .findFirst()
                .orElseThrow()
                .getValue())
        .isEqualTo("rms_migrator");
  }

  @Test
  void theJobNeedsASecretForTheMigrationUser() {
    assertThatThrownBy(() -> ChartRenderer.template(Map.of("migrations.job.enabled", true)))
        .hasMessageContaining("existingSecret");
  }
}
