package io.rms.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code helm test} hook and NOTES.txt. {@code helm template} through helm-java renders the
 * release manifest only (no hooks), so the hook is rendered from a copy of the chart whose hook
 * annotation is removed, after checking the original carries it.
 */
class ChartHooksAndNotesTest {
  private static final Path HOOK =
      ChartRenderer.CHART.resolve("templates/tests/test-readiness.yaml");

  @Test
  void helmTestHookCallsReadinessThroughTheService(@TempDir Path tmp) throws IOException {
    String source = Files.readString(HOOK);
    assertThat(source).contains("helm.sh/hook: test");

    Rendered r =
        ChartRenderer.templateOfCopy(
            tmp,
            "templates/tests/test-readiness.yaml",
            source.replace("helm.sh/hook: test", "rendered-for-test: hook"));
    Pod pod = r.get(Pod.class, "rms-reliable-message-service-test-readiness");
    assertThat(UnknownFields.in(pod, "Pod")).isEmpty();
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    Container curl = pod.getSpec().getContainers().get(0);
    assertThat(curl.getImage()).startsWith("docker.io/curlimages/curl:");
    assertThat(curl.getArgs())
        .contains("--fail")
        .last()
        .isEqualTo("http://rms-reliable-message-service:8091/actuator/health/readiness");
    assertThat(curl.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();

    Map<String, String> labels = pod.getMetadata().getLabels();
    Rendered withPolicy =
        ChartRenderer.template(
            Map.of("networkPolicy.enabled", true, "metrics.serviceMonitor.enabled", true));
    Map<String, String> selected =
        withPolicy
            .get(NetworkPolicy.class, "rms-reliable-message-service")
            .getSpec()
            .getPodSelector()
            .getMatchLabels();
    assertThat(labels.entrySet().containsAll(selected.entrySet()))
        .as("the NetworkPolicy leaves the test pod alone")
        .isFalse();
    Map<String, String> scraped =
        withPolicy
            .get(Service.class, "rms-reliable-message-service-metrics")
            .getSpec()
            .getSelector();
    assertThat(labels.entrySet().containsAll(scraped.entrySet()))
        .as("the metrics Service does not select the test pod")
        .isFalse();
  }

  @Test
  void notesTellHowToVerifyAndWarnAboutMissingPasswords() {
    String notes =
        new Helm(ChartRenderer.CHART)
            .install()
            .withName("rms")
            .withNamespace("messaging")
            .withKubeVersion(ChartRenderer.KUBE_VERSION)
            .clientOnly()
            .dryRun()
            .call()
            .getOutput();
    assertThat(notes)
        .contains("kubectl -n messaging rollout status deployment/rms-reliable-message-service-api")
        .contains("helm test rms -n messaging")
        .contains("port-forward svc/rms-reliable-message-service 8080:8080")
        .contains("WARNING: no database password is set")
        .contains("WARNING: no RabbitMQ password is set");

    String withSecrets =
        new Helm(ChartRenderer.CHART)
            .install()
            .withName("rms")
            .withNamespace("messaging")
            .withKubeVersion(ChartRenderer.KUBE_VERSION)
            .withValuesFile(ChartRenderer.resource("values/existing-secrets.yaml"))
            .clientOnly()
            .dryRun()
            .call()
            .getOutput();
    assertThat(withSecrets)
        .doesNotContain("WARNING")
        .contains("get secret rms-admin -o jsonpath='{.data.token}'");
  }
}
