package io.rms.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The documents of one {@code helm template} run, typed by fabric8. */
final class Rendered {
  static final KubernetesSerialization KUBE = new KubernetesSerialization();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  final String text;
  final List<HasMetadata> objects;

  private Rendered(String text, List<HasMetadata> objects) {
    this.text = text;
    this.objects = objects;
  }

  static Rendered parse(String text) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String doc : text.split("(?m)^---\\s*$")) {
      boolean empty = doc.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"));
      if (!empty) {
        Object parsed = KUBE.unmarshal(doc);
        assertThat(parsed).as("a Kubernetes object:\n%s", doc).isInstanceOf(HasMetadata.class);
        objects.add((HasMetadata) parsed);
      }
    }
    return new Rendered(text, objects);
  }

  /** "Kind/name" of every object, sorted. */
  TreeSet<String> names() {
    return objects.stream()
        .map(o -> o.getKind() + "/" + o.getMetadata().getName())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
    return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
  }

  <T extends HasMetadata> T get(Class<T> type, String name) {
    return find(type, name)
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }

  static Container container(Deployment deployment) {
    List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).hasSize(1);
    return containers.get(0);
  }

  static Map<String, EnvVar> env(Deployment deployment) {
    return container(deployment).getEnv().stream()
        .collect(
            Collectors.toMap(
                EnvVar::getName,
                e -> e,
                (a, b) -> {
                  throw new AssertionError("env " + a.getName() + " twice");
                },
                java.util.LinkedHashMap::new));
  }

  /** The application.yaml of the chart's ConfigMap, parsed. */
  @SuppressWarnings("unchecked")
  Map<String, Object> applicationYaml() {
    ConfigMap config = get(ConfigMap.class, "rms-reliable-message-service");
    try {
      return YAML.readValue(config.getData().get("application.yaml"), Map.class);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
