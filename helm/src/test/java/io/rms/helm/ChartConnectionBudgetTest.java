package io.rms.helm;

import static io.rms.helm.Rendered.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With the real Helm: every pod that can run at once (replicas or the HPA's maxReplicas, plus the
 * rolling update's 25 % surge), each with its full database pool, must fit in {@code
 * postgresql.maxConnections} minus {@code postgresql.reservedConnections}; otherwise the render
 * fails with the figures and what to change. Each Deployment's pool is set from its values.
 */
class ChartConnectionBudgetTest {
  private static final String FULL = ChartRenderer.RELEASE + "-reliable-message-service";
  private static final String API = FULL + "-api";

  @Test
  void theDefaultsFitPostgresqlsDefaultMaxConnectionsAndSetEachPodsPool() {
    // (2 + 1) API pods x 15 + (1 + 1) jobs pods x 10 = 65 of 100 - 5
    Rendered r = ChartRenderer.template();
    assertThat(env(r.get(Deployment.class, API)).get("SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE"))
        .extracting(e -> e.getValue())
        .isEqualTo("15");
    assertThat(
            env(r.get(Deployment.class, FULL + "-jobs"))
                .get("SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE"))
        .extracting(e -> e.getValue())
        .isEqualTo("10");
  }

  @Test
  void theHpaAtTenReplicasDoesNotFitAHundredConnections() {
    assertThatThrownBy(() -> ChartRenderer.template(Map.of("api.autoscaling.enabled", true)))
        .hasMessageContaining("connection budget exceeded")
        .hasMessageContaining(
            "13 API pods (api.autoscaling.maxReplicas 10 + rolling-update surge) x"
                + " api.databasePoolSize 15 + 2 jobs pods (jobs.replicas 1 + surge) x"
                + " jobs.databasePoolSize 10 = 215 database connections")
        .hasMessageContaining(
            "postgresql.maxConnections 100 - postgresql.reservedConnections 5 leaves 95")
        .hasMessageContaining("PgBouncer in transaction mode");
  }

  @Test
  void theHpaFitsBehindPgBouncerDeclaredWithItsClientLimit() {
    Rendered r =
        ChartRenderer.template(
            Map.of("api.autoscaling.enabled", true, "postgresql.maxConnections", 1000));
    assertThat(r.all(Deployment.class)).hasSize(2);
  }

  @Test
  void theBudgetIsExactToTheLastConnection() {
    // 65 connections by default: 70 - 5 fits, 69 - 5 does not
    assertThat(
            ChartRenderer.template(Map.of("postgresql.maxConnections", 70)).all(Deployment.class))
        .hasSize(2);
    assertThatThrownBy(() -> ChartRenderer.template(Map.of("postgresql.maxConnections", 69)))
        .hasMessageContaining("= 65 database connections")
        .hasMessageContaining("leaves 64");
  }

  @Test
  void modeAllCountsOnlyTheApiPodsWithTheirPool() {
    // (6 + 2) pods x 15 = 120 > 95
    assertThatThrownBy(() -> ChartRenderer.template(Map.of("mode", "all", "api.replicas", 6)))
        .hasMessageContaining("8 API pods (api.replicas 6 + rolling-update surge)")
        .hasMessageContaining("= 120 database connections")
        .hasMessageNotContaining("jobs pods");
    assertThat(
            ChartRenderer.template(
                    Map.of("mode", "all", "api.replicas", 6, "api.databasePoolSize", 11))
                .all(Deployment.class))
        .hasSize(1);
  }
}
