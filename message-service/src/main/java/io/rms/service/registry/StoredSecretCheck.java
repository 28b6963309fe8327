package io.rms.service.registry;

import java.util.List;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.annotation.DependsOn;
import org.springframework.stereotype.Component;

/**
 * At start-up, after the configuration is applied: an app whose stored check-back secret is shorter
 * than {@link CheckBackSecrets#MIN_BYTES} (registered before the rule existed) stops the start,
 * with a message naming each such app, rather than signing check-backs with a weak key.
 */
@Component
@DependsOn("registryBootstrap")
class StoredSecretCheck implements InitializingBean {
  private final AppRepository apps;

  StoredSecretCheck(AppRepository apps) {
    this.apps = apps;
  }

  @Override
  public void afterPropertiesSet() {
    List<String> weak =
        apps.findAll().stream()
            .filter(app -> CheckBackSecrets.refusal(app.getCheckBackSecret()) != null)
            .map(App::getId)
            .sorted()
            .toList();
    if (!weak.isEmpty()) {
      throw new IllegalStateException(
          "Refusing to start: the stored check-back secret of app(s) "
              + String.join(", ", weak)
              + " is shorter than "
              + CheckBackSecrets.MIN_BYTES
              + " bytes. Register a new secret (admin API PUT /api/v1/admin/apps/{id}/check-back,"
              + " the dashboard, or rms.apps[i].check-back-secret) of at least "
              + CheckBackSecrets.MIN_BYTES
              + " bytes, e.g. openssl rand -hex 32, and give it to the producer.");
    }
  }
}
