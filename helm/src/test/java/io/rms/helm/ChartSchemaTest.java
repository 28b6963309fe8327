package io.rms.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** values.schema.json turns wrong values into a failed render instead of a broken release. */
class ChartSchemaTest {

  static Stream<Arguments> wrongValues() {
    return Stream.of(
        Arguments.of("unknown top-level key", "replicaCount", 3, "replicaCount"),
        Arguments.of("unknown nested key (typo)", "externalDatabase.hostname", "pg", "hostname"),
        Arguments.of("mode outside split|all", "mode", "both", "mode"),
        Arguments.of("port not a number", "externalDatabase.port", "five", "port"),
        Arguments.of("port out of range", "externalRabbitmq.port", 70000, "port"),
        Arguments.of("negative replicas", "api.replicas", -1, "replicas"),
        Arguments.of("queue type", "externalRabbitmq.queueType", "stream", "queueType"),
        Arguments.of(
            "classic queue version",
            "externalRabbitmq.classicQueueVersion",
            3,
            "classicQueueVersion"),
        Arguments.of("duration without unit", "rms.checkBack.after", "30", "after"),
        Arguments.of("app id not a DNS-like id", "apps[0].id", "Orders_1", "id"),
        Arguments.of("pull policy", "image.pullPolicy", "Sometimes", "pullPolicy"),
        Arguments.of("service type", "service.type", "ExternalName", "type"),
        Arguments.of("check-back CIDR", "networkPolicy.checkBack.cidrs[0]", "10.0.0.0", "cidrs"),
        Arguments.of(
            "failure ratio above 1",
            "metrics.prometheusRule.checkBackFailureRatio",
            2,
            "checkBackFailureRatio"),
        Arguments.of("admin without a key", "admin.enabled", true, "admin"),
        Arguments.of("management on the API port", "service.managementPort", 8080, "service"),
        Arguments.of("no committer", "rms.groupCommit.committers", 0, "committers"),
        Arguments.of("OIDC without a provider", "dashboard.oidc.enabled", true, "oidc"),
        Arguments.of("volume mount without path", "extraVolumeMounts[0].name", "ca", "mountPath"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrongValues")
  void schemaRejects(String what, String key, Object value, String mentioned) {
    assertThatThrownBy(() -> ChartRenderer.template(Map.of(key, value)))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(mentioned);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrongValues")
  void theSameKeysAcceptRightValues(String what, String key, Object value, String mentioned) {
    Map<String, Object> right =
        switch (key) {
          case "replicaCount" -> Map.of("api.replicas", 3);
          case "externalDatabase.hostname" -> Map.of("externalDatabase.host", "pg");
          case "mode" -> Map.of("mode", "all");
          case "externalDatabase.port" -> Map.of("externalDatabase.port", 6432);
          case "externalRabbitmq.port" -> Map.of("externalRabbitmq.port", 5671);
          case "api.replicas" -> Map.of("api.replicas", 0);
          case "externalRabbitmq.queueType" -> Map.of("externalRabbitmq.queueType", "quorum");
          case "externalRabbitmq.classicQueueVersion" ->
              Map.of("externalRabbitmq.classicQueueVersion", 2);
          case "rms.checkBack.after" -> Map.of("rms.checkBack.after", "45s");
          case "apps[0].id" -> Map.of("apps[0].id", "orders-1");
          case "image.pullPolicy" -> Map.of("image.pullPolicy", "Always");
          case "service.type" -> Map.of("service.type", "LoadBalancer");
          case "networkPolicy.checkBack.cidrs[0]" ->
              Map.of("networkPolicy.checkBack.cidrs[0]", "10.0.0.0/8");
          case "metrics.prometheusRule.checkBackFailureRatio" ->
              Map.of("metrics.prometheusRule.checkBackFailureRatio", 1);
          case "admin.enabled" -> Map.of("admin.enabled", true, "admin.apiKey", "k-123456789");
          case "service.managementPort" -> Map.of("service.managementPort", 9090);
          case "rms.groupCommit.committers" -> Map.of("rms.groupCommit.committers", 1);
          case "dashboard.oidc.enabled" ->
              Map.of(
                  "dashboard.oidc.enabled",
                  true,
                  "dashboard.oidc.issuerUri",
                  "https://login.example.com",
                  "dashboard.oidc.clientId",
                  "rms");
          case "extraVolumeMounts[0].name" ->
              Map.of(
                  "extraVolumeMounts[0].name",
                  "ca",
                  "extraVolumeMounts[0].mountPath",
                  "/etc/ca",
                  "extraVolumes[0].name",
                  "ca",
                  "extraVolumes[0].emptyDir.medium",
                  "Memory");
          default -> throw new IllegalArgumentException(key);
        };
    assertThat(ChartRenderer.template(right).objects).isNotEmpty();
  }
}
