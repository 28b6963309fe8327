package io.rms.service.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.testing.Api;
import io.rms.service.testing.IntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Actuator answers only on the management port: the API port (the one an Ingress routes) serves no
 * metrics and no health, and the management port serves no API.
 */
class ManagementPortTest extends IntegrationTest {

  @Test
  void prometheusAndHealthAre404OnTheApiPort() {
    Api anonymous = new Api(port, null);
    for (String path :
        new String[] {"/actuator/prometheus", "/actuator/health", "/actuator/health/readiness"}) {
      assertThat(anonymous.get(path).status()).as(path).isEqualTo(404);
    }
  }

  @Test
  void prometheusAndProbesAnswerOnTheManagementPort() {
    assertThat(managementPort).isNotEqualTo(port);
    Api management = new Api(managementPort, null);
    assertThat(management.get("/actuator/prometheus").raw()).contains("jvm_memory_used_bytes");
    assertThat(management.get("/actuator/health/readiness").text("status")).isEqualTo("UP");
    assertThat(management.get("/actuator/health/liveness").text("status")).isEqualTo("UP");
  }

  @Test
  void healthShowsEachComponentsStatusButNoDetails() {
    Api.Response health = new Api(managementPort, null).get("/actuator/health");
    assertThat(health.status()).isEqualTo(200);
    JsonNode components = health.body().get("components");
    assertThat(components).as(health.raw()).isNotNull();
    for (String component : new String[] {"db", "rabbit"}) {
      assertThat(components.get(component).get("status").asString()).as(component).isEqualTo("UP");
      assertThat(components.get(component).has("details")).as(component).isFalse();
    }
    assertThat(health.raw()).doesNotContain("PostgreSQL").doesNotContain("version");
  }

  @Test
  void theManagementPortServesNoApi() {
    assertThat(new Api(managementPort, "orders-key").get("/api/v1/stats").status()).isEqualTo(404);
    assertThat(new Api(port, "orders-key").get("/api/v1/stats").status()).isEqualTo(200);
  }
}
