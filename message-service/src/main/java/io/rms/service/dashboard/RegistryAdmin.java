package io.rms.service.dashboard;

import io.rms.api.Limits;
import io.rms.service.config.RmsProperties;
import io.rms.service.problem.RmsProblem;
import io.rms.service.registry.ApiKeys;
import io.rms.service.registry.App;
import io.rms.service.registry.AppRepository;
import io.rms.service.registry.CheckBackSecrets;
import io.rms.service.registry.CheckBackTargets;
import io.rms.service.registry.Registry;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Admin changes to apps from the dashboard (subscriptions change through {@link
 * io.rms.service.registry.SubscriptionChanges}, shared with the admin API). Each change is
 * validated like the configuration bootstrap, saved, audited, and followed by {@link
 * Registry#refresh()} so the API and dispatch see it at once (other replicas within the registry
 * refresh interval).
 */
@Service
class RegistryAdmin {
  private static final Set<String> APP_ROLES = Set.of("OPERATOR", "ADMIN");

  private final AppRepository apps;
  private final ApiKeys apiKeys;
  private final Registry registry;
  private final TransactionTemplate tx;
  private final DashboardAudit audit;
  private final RmsProperties properties;
  private final CheckBackTargets checkBackTargets;

  RegistryAdmin(
      AppRepository apps,
      ApiKeys apiKeys,
      Registry registry,
      TransactionTemplate tx,
      DashboardAudit audit,
      RmsProperties properties,
      CheckBackTargets checkBackTargets) {
    this.apps = apps;
    this.apiKeys = apiKeys;
    this.registry = registry;
    this.tx = tx;
    this.audit = audit;
    this.properties = properties;
    this.checkBackTargets = checkBackTargets;
  }

  /** The editable fields of an app. */
  record AppForm(
      String id,
      String produces,
      String checkBackUrl,
      String checkBackSecret,
      List<String> roles,
      boolean active) {}

  /** True when the app is declared in configuration (restarts re-apply that declaration). */
  boolean configuredApp(String id) {
    return properties.apps().stream().anyMatch(a -> id.equals(a.id()));
  }

  /** Creates an app with a fresh API key and answers the key (shown once, stored hashed). */
  String createApp(String user, AppForm form) {
    if (form.id() == null || !form.id().matches(Limits.APP_PATTERN)) {
      throw RmsProblem.invalid("app id must match " + Limits.APP_PATTERN);
    }
    String url = checkBackUrl(form);
    String key = apiKeys.generate();
    tx.executeWithoutResult(
        s -> {
          if (apps.existsById(form.id())) {
            throw RmsProblem.invalid("app " + form.id() + " already exists");
          }
          App app = new App(form.id());
          apply(app, form, url);
          app.setApiKeyHashes(new String[] {apiKeys.hash(key)});
          apps.save(app);
        });
    registry.refresh();
    audit.admin(user, "app.create", form.id(), "created");
    return key;
  }

  /** Saves an app's fields (its keys stay). */
  void updateApp(String user, AppForm form) {
    String url = checkBackUrl(form);
    change(apps, form.id(), app -> apply(app, form, url));
    audit.admin(user, "app.update", form.id(), form.active() ? "active" : "inactive");
  }

  /** Activates or deactivates an app (an inactive app's keys are refused). */
  void setAppActive(String user, String id, boolean active) {
    change(apps, id, app -> app.setActive(active));
    audit.admin(user, active ? "app.activate" : "app.deactivate", id, "applied");
  }

  /** Replaces all of the app's API keys with a new one and answers it (shown once). */
  String rotateKey(String user, String id) {
    String key = apiKeys.generate();
    change(apps, id, app -> app.setApiKeyHashes(new String[] {apiKeys.hash(key)}));
    audit.admin(user, "app.rotate-key", id, "old keys revoked");
    return key;
  }

  /**
   * The form's check-back URL after the registration check of {@link CheckBackTargets} (allowlist,
   * resolved addresses), or null for none. Runs before the transaction: it may wait for DNS.
   */
  private String checkBackUrl(AppForm form) {
    try {
      return checkBackTargets.registrable(form.checkBackUrl());
    } catch (CheckBackTargets.Refused refused) {
      throw RmsProblem.invalid(refused.getMessage());
    }
  }

  private static void apply(App app, AppForm form, String url) {
    List<String> produces = split(form.produces());
    for (String topic : produces) {
      if (!topic.equals("*") && !topic.matches(Limits.TOPIC_PATTERN)) {
        throw RmsProblem.invalid("not a topic: " + topic);
      }
    }
    List<String> roles = form.roles() == null ? List.of() : form.roles();
    if (!APP_ROLES.containsAll(roles)) {
      throw RmsProblem.invalid("app roles are OPERATOR and ADMIN");
    }
    String weakSecret = CheckBackSecrets.refusal(form.checkBackSecret());
    if (weakSecret != null) {
      throw RmsProblem.invalid(weakSecret);
    }
    app.setProduces(produces.toArray(String[]::new));
    app.registerCheckBack(url, form.checkBackSecret());
    app.setRoles(roles.toArray(String[]::new));
    app.setActive(form.active());
  }

  /**
   * Loads the row (404 when there is none), changes and saves it in one transaction, then refreshes
   * the registry so that the change applies at once.
   */
  private <T> void change(JpaRepository<T, String> repository, String id, Consumer<T> change) {
    tx.executeWithoutResult(
        s -> {
          T row = repository.findById(id).orElseThrow(() -> RmsProblem.notFound(id));
          change.accept(row);
          repository.save(row);
        });
    registry.refresh();
  }

  private static List<String> split(String list) {
    if (list == null) {
      return List.of();
    }
    return Arrays.stream(list.split("[,\\s]+"))
        .map(String::trim)
        .filter(t -> !t.isEmpty())
        .collect(Collectors.toCollection(java.util.ArrayList::new))
        .stream()
        .distinct()
        .toList();
  }
}
