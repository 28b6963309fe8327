package io.rms.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every manifest the chart renders, hooks included, for the default values, the values of
 * docs/deploy.md §4 (taken from the guide), the test value sets and every optional feature on,
 * passes {@link StrictManifests}; and the validation fails on an unknown field or a wrong type
 * injected into a rendered manifest of every kind.
 */
class StrictManifestsTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String API = "Deployment/rms-reliable-message-service-api";

  static Stream<Arguments> valueSets() {
    return Stream.of(
        Arguments.of("defaults", Map.of(), List.of()),
        Arguments.of("deploy.md §4", Map.of(), List.of("guide")),
        Arguments.of("deploy.md §4, mode all", Map.of("mode", "all"), List.of("guide")),
        Arguments.of("all features", Map.of(), List.of("all-features.yaml")),
        Arguments.of("existing secrets", Map.of(), List.of("existing-secrets.yaml")),
        Arguments.of("every option", Map.of(), List.of("all-features.yaml", "every-option.yaml")),
        Arguments.of(
            "every option, mode all",
            Map.of("mode", "all"),
            List.of("all-features.yaml", "every-option.yaml")));
  }

  private static Rendered render(Path tmp, Map<String, Object> sets, List<String> files)
      throws IOException {
    List<Path> paths = new ArrayList<>();
    for (String file : files) {
      paths.add(
          file.equals("guide")
              ? GuideValues.writeTo(tmp.resolve("my-values.yaml"))
              : ChartRenderer.resource("values/" + file));
    }
    return ChartRenderer.templateWithHooks(tmp, sets, paths.toArray(Path[]::new));
  }

  private static Rendered everyOption(Path tmp) throws IOException {
    return render(tmp, Map.of(), List.of("all-features.yaml", "every-option.yaml"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void everyRenderedManifestIsValidStrictly(
      String name, Map<String, Object> sets, List<String> files, @TempDir Path tmp)
      throws IOException {
    Rendered rendered = render(tmp, sets, files);
    assertThat(rendered.objects).isNotEmpty();
    assertThat(StrictManifests.problems(rendered.text)).isEmpty();
  }

  @Test
  void everyOptionRendersEveryKindTheChartHas(@TempDir Path tmp) throws IOException {
    Rendered rendered = everyOption(tmp);
    assertThat(
            rendered.objects.stream()
                .map(o -> o.getApiVersion() + "/" + o.getKind())
                .collect(Collectors.toSet()))
        .isEqualTo(StrictManifests.SERVED);
  }

  @Test
  void anUnknownFieldInjectedIntoAManifestOfEveryKindFails(@TempDir Path tmp) throws IOException {
    List<String> docs = StrictManifests.documents(everyOption(tmp).text);
    TreeSet<String> kinds = new TreeSet<>();
    for (String doc : docs) {
      ObjectNode tree = tree(doc);
      String path = tree.path("kind").asText() + "/" + tree.path("metadata").path("name").asText();
      kinds.add(tree.path("kind").asText());
      boolean hasSpec = tree.path("spec").isObject();
      ObjectNode target = hasSpec ? (ObjectNode) tree.get("spec") : tree;
      target.put("replicaCount", 2);
      assertThat(StrictManifests.problemsOfDocument(yaml(tree)))
          .as(path)
          .containsExactly(path + (hasSpec ? ".spec" : "") + ".replicaCount: unknown field");
    }
    assertThat(kinds)
        .containsExactlyInAnyOrder(
            "ConfigMap",
            "Deployment",
            "HorizontalPodAutoscaler",
            "Ingress",
            "Job",
            "NetworkPolicy",
            "Pod",
            "PodDisruptionBudget",
            "PrometheusRule",
            "Secret",
            "Service",
            "ServiceAccount",
            "ServiceMonitor");
  }

  @Test
  void aMisspeltContainerFieldFails(@TempDir Path tmp) throws IOException {
    String doc = document(everyOption(tmp), API);
    String misspelt = doc.replace("imagePullPolicy:", "imagePullPolcy:");
    assertThat(misspelt).isNotEqualTo(doc);
    assertThat(StrictManifests.problemsOfDocument(misspelt))
        .containsExactly(API + ".spec.template.spec.containers[0].imagePullPolcy: unknown field");
  }

  @Test
  void aValueOfTheWrongTypeFails(@TempDir Path tmp) throws IOException {
    ObjectNode tree = tree(document(everyOption(tmp), API));
    ObjectNode container = (ObjectNode) tree.at("/spec/template/spec/containers/0");
    ((ObjectNode) container.get("securityContext")).put("readOnlyRootFilesystem", "true");
    ((ObjectNode) container.at("/ports/0")).put("containerPort", "8080");
    assertThat(StrictManifests.problemsOfDocument(yaml(tree)))
        .containsExactlyInAnyOrder(
            API
                + ".spec.template.spec.containers[0].ports[0].containerPort: string \"8080\" is"
                + " not a valid value here (the model reads it as number 8080)",
            API
                + ".spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem:"
                + " string \"true\" is not a valid value here (the model reads it as boolean"
                + " true)");
  }

  @Test
  void anApiKubernetesNoLongerServesFails(@TempDir Path tmp) throws IOException {
    String pdb = document(everyOption(tmp), "PodDisruptionBudget/rms-reliable-message-service-api");
    assertThat(StrictManifests.problemsOfDocument(pdb.replace("policy/v1", "policy/v1beta1")))
        .contains(
            "PodDisruptionBudget/rms-reliable-message-service-api: policy/v1beta1/PodDisruptionBudget"
                + " is not an API the chart may use on Kubernetes 1.31");
  }

  /** The rendered document of the object "Kind/name". */
  private static String document(Rendered rendered, String kindAndName) {
    return StrictManifests.documents(rendered.text).stream()
        .filter(
            d -> {
              ObjectNode t = tree(d);
              return (t.path("kind").asText() + "/" + t.path("metadata").path("name").asText())
                  .equals(kindAndName);
            })
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no "
                        + kindAndName
                        + " in "
                        + rendered.names().stream().collect(Collectors.joining(", "))));
  }

  private static ObjectNode tree(String doc) {
    try {
      return (ObjectNode) YAML.readTree(doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String yaml(ObjectNode tree) {
    try {
      return YAML.writeValueAsString(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
