package io.rms.service.registry;

import java.util.List;
import java.util.Set;

/**
 * An immutable view of an app for the hot path. Its {@link #toString()} leaves out the key hashes
 * and the check-back secret (authentication objects print their principal in debug logs).
 */
public record AppInfo(
    String id,
    List<String> apiKeyHashes,
    Set<String> produces,
    String checkBackUrl,
    String checkBackSecret,
    Set<String> roles,
    boolean active) {

  static AppInfo of(App app) {
    return new AppInfo(
        app.getId(),
        List.of(app.getApiKeyHashes()),
        Set.of(app.getProduces()),
        app.getCheckBackUrl(),
        app.getCheckBackSecret(),
        Set.of(app.getRoles()),
        app.isActive());
  }

  @Override
  public String toString() {
    return "AppInfo[id="
        + id
        + ", produces="
        + produces
        + ", checkBackUrl="
        + checkBackUrl
        + ", roles="
        + roles
        + ", active="
        + active
        + "]";
  }

  /** True when the app may prepare messages on the topic ({@code *} allows every topic). */
  public boolean mayProduce(String topic) {
    return produces.contains(topic) || produces.contains("*");
  }
}
