package io.rms.service.admin;

import io.rms.service.registry.AppInfo;
import java.util.List;

/**
 * An app as the admin API shows it: never its API key hashes or its check-back secret, only whether
 * one is set.
 */
record AppView(
    String id,
    List<String> produces,
    String checkBackUrl,
    boolean checkBackSecretSet,
    List<String> roles,
    boolean active) {

  static AppView of(AppInfo app) {
    return new AppView(
        app.id(),
        app.produces().stream().sorted().toList(),
        app.checkBackUrl(),
        app.checkBackSecret() != null && !app.checkBackSecret().isBlank(),
        app.roles().stream().sorted().toList(),
        app.active());
  }
}
