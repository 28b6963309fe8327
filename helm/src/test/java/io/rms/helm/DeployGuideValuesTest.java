package io.rms.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The values of docs/deploy.md §4, taken from the guide itself, render with the real chart. */
class DeployGuideValuesTest {

  private static Rendered render(Path values) {
    return Rendered.parse(
        new Helm(ChartRenderer.CHART)
            .template()
            .withName(ChartRenderer.RELEASE)
            .withNamespace(ChartRenderer.NAMESPACE)
            .withKubeVersion(ChartRenderer.KUBE_VERSION)
            .withValuesFile(values)
            .call());
  }

  @Test
  void theGuidesValuesPassTheSchemaAndRenderBothDeployments(@TempDir Path tmp) throws IOException {
    Rendered r = render(GuideValues.writeTo(tmp.resolve("my-values.yaml")));
    assertThat(r.names())
        .contains(
            "Deployment/rms-reliable-message-service-api",
            "Deployment/rms-reliable-message-service-jobs",
            "Ingress/rms-reliable-message-service");
    Deployment api = r.get(Deployment.class, "rms-reliable-message-service-api");
    assertThat(Rendered.container(api).getImage())
        .isEqualTo("registry.example.com/platform/reliable-message-service:0.1.0");
    assertThat(Rendered.env(api).get("SPRING_FLYWAY_ENABLED").getValue()).isEqualTo("false");
  }

  @Test
  void theGuidesIngressRoutesTheApiDashboardAndDocsButNoActuator(@TempDir Path tmp)
      throws IOException {
    Ingress ingress =
        render(GuideValues.writeTo(tmp.resolve("my-values.yaml")))
            .get(Ingress.class, "rms-reliable-message-service");
    List<String> paths =
        ingress.getSpec().getRules().get(0).getHttp().getPaths().stream()
            .map(HTTPIngressPath::getPath)
            .toList();
    assertThat(paths)
        .containsExactly(
            "/api", "/dashboard", "/webjars", "/v3/api-docs", "/swagger-ui", "/swagger-ui.html");
  }

  @Test
  void aHostWithoutPathsIsRefusedBecauseHelmReplacesTheListWhole(@TempDir Path tmp)
      throws IOException {
    Path values = tmp.resolve("host-only.yaml");
    Files.writeString(values, "ingress:\n  enabled: true\n  hosts:\n    - host: rms.example.com\n");
    assertThatThrownBy(() -> render(values))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining("paths");
  }

  @Test
  void theBlockIsTheOneAfterTheMarker() {
    String markdown =
        "```yaml\nother: 1\n```\n<!-- deploy-guide-values: x -->\n```yaml\nmode: all\n```\n";
    assertThat(GuideValues.extract(markdown)).isEqualTo("mode: all\n");
    assertThatThrownBy(() -> GuideValues.extract("```yaml\nmode: all\n```\n"))
        .hasMessageContaining("marker");
  }
}
