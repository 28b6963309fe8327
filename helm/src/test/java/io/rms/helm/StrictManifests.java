package io.rms.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Strict validation of rendered manifests against the Kubernetes API schema as fabric8's model has
 * it (the API server's strict field validation, offline):
 *
 * <ol>
 *   <li>the apiVersion and kind are ones Kubernetes 1.31 serves (or the Prometheus Operator's
 *       monitoring.coreos.com/v1), and fabric8 types the object (no generic fallback);
 *   <li>no field is unknown: fabric8 keeps those in {@code additionalProperties} ({@link
 *       UnknownFields}) instead of failing;
 *   <li>no value has the wrong type: the document and the typed object written back must be the
 *       same tree, so a value Jackson coerced ({@code replicas: "2"}, {@code readOnly: "true"}) or
 *       dropped shows up as a difference. A number read into a string field (a {@code Quantity} or
 *       an {@code IntOrString}) is the same value.
 * </ol>
 *
 * <p>What the model cannot check: the value ranges and formats the API server checks on its own (a
 * port number above 65535, a malformed label value, an invalid CIDR), and the custom resources' own
 * OpenAPI schemas where fabric8's model is looser (it types every ServiceMonitor and PrometheusRule
 * field the chart renders).
 */
final class StrictManifests {
  /** apiVersion/kind of every object the chart may render, all served by Kubernetes 1.31. */
  static final Set<String> SERVED =
      Set.of(
          "v1/ConfigMap",
          "v1/Secret",
          "v1/Service",
          "v1/ServiceAccount",
          "v1/Pod",
          "apps/v1/Deployment",
          "batch/v1/Job",
          "policy/v1/PodDisruptionBudget",
          "autoscaling/v2/HorizontalPodAutoscaler",
          "networking.k8s.io/v1/Ingress",
          "networking.k8s.io/v1/NetworkPolicy",
          "monitoring.coreos.com/v1/ServiceMonitor",
          "monitoring.coreos.com/v1/PrometheusRule");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private StrictManifests() {}

  /** Every problem of every document of a {@code helm template} output; empty when valid. */
  static List<String> problems(String renderedText) {
    List<String> found = new ArrayList<>();
    for (String doc : documents(renderedText)) {
      found.addAll(problemsOfDocument(doc));
    }
    return found;
  }

  /** The non-empty YAML documents of a multi-document text. */
  static List<String> documents(String text) {
    List<String> docs = new ArrayList<>();
    for (String doc : text.split("(?m)^---\\s*$")) {
      if (!doc.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
        docs.add(doc);
      }
    }
    return docs;
  }

  static List<String> problemsOfDocument(String doc) {
    List<String> found = new ArrayList<>();
    JsonNode tree;
    try {
      tree = YAML.readTree(doc);
    } catch (IOException e) {
      return List.of("not YAML: " + e.getMessage());
    }
    String gvk = tree.path("apiVersion").asText() + "/" + tree.path("kind").asText();
    String path = tree.path("kind").asText() + "/" + tree.path("metadata").path("name").asText();
    if (!SERVED.contains(gvk)) {
      found.add(path + ": " + gvk + " is not an API the chart may use on Kubernetes 1.31");
    }
    Object parsed;
    try {
      parsed = Rendered.KUBE.unmarshal(doc);
    } catch (RuntimeException e) {
      return append(found, path + ": the model cannot read it: " + e.getMessage());
    }
    if (!(parsed instanceof HasMetadata object)
        || parsed.getClass().getName().contains("Generic")) {
      return append(found, path + ": no typed model for " + gvk);
    }
    UnknownFields.in(object, path).forEach(f -> found.add(f + ": unknown field"));
    JsonNode written;
    try {
      written = JSON.readTree(Rendered.KUBE.asJson(object));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    differences(withoutEmpty(tree), withoutEmpty(written), path, found);
    return found;
  }

  private static List<String> append(List<String> found, String problem) {
    found.add(problem);
    return found;
  }

  /**
   * Where {@code written} (the typed object) differs from {@code given} (the document); unknown
   * fields are reported by {@link UnknownFields} already, so a field only in {@code given} counts
   * here only when the model dropped it without keeping it as an additional property.
   */
  private static void differences(JsonNode given, JsonNode written, String path, List<String> out) {
    if (given.isObject() && written.isObject()) {
      Set<String> names = new TreeSet<>();
      given.fieldNames().forEachRemaining(names::add);
      written.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode a = given.get(name);
        JsonNode b = written.get(name);
        if (a == null) {
          out.add(path + "." + name + ": added by the model");
        } else if (b == null) {
          out.add(path + "." + name + ": dropped by the model");
        } else {
          differences(a, b, path + "." + name, out);
        }
      }
      return;
    }
    if (given.isArray() && written.isArray()) {
      if (given.size() != written.size()) {
        out.add(path + ": " + given.size() + " items read as " + written.size());
        return;
      }
      for (int i = 0; i < given.size(); i++) {
        differences(given.get(i), written.get(i), path + "[" + i + "]", out);
      }
      return;
    }
    boolean same =
        given.equals(written)
            || (given.isNumber() && written.isTextual() && given.asText().equals(written.asText()))
            || (given.isNumber()
                && written.isNumber()
                && given.decimalValue().compareTo(written.decimalValue()) == 0);
    if (!same) {
      out.add(
          path
              + ": "
              + describe(given)
              + " is not a valid value here (the model reads it as "
              + describe(written)
              + ")");
    }
  }

  private static String describe(JsonNode node) {
    return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + node;
  }

  /** The tree without nulls, empty objects and empty arrays (the model writes none of them). */
  static JsonNode withoutEmpty(JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode value = withoutEmpty(field.getValue());
        if (!value.isNull() && !(value.isContainerNode() && value.isEmpty())) {
          copy.set(field.getKey(), value);
        }
      }
      return copy;
    }
    if (node.isArray()) {
      var copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(item -> copy.add(withoutEmpty(item)));
      return copy;
    }
    return node;
  }
}
