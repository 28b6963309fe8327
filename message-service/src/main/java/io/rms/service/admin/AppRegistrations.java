package io.rms.service.admin;

import io.rms.api.AppView;
import io.rms.api.CheckBackRegistration;
import io.rms.service.message.EventStore;
import io.rms.service.message.EventType;
import io.rms.service.problem.RmsProblem;
import io.rms.service.recovery.OperatorActions;
import io.rms.service.registry.App;
import io.rms.service.registry.AppInfo;
import io.rms.service.registry.AppRepository;
import io.rms.service.registry.CheckBackSecrets;
import io.rms.service.registry.CheckBackTargets;
import io.rms.service.registry.Registry;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The admin API's registry use cases: list apps (never their keys or secrets) and register an app's
 * check-back URL and secret. A URL must pass {@link CheckBackTargets#register} (allowlist, resolved
 * addresses) and a new secret {@link CheckBackSecrets} before anything is saved; every change is
 * audited as an {@code ADMIN} event with actor {@code operator:<admin app>} and applied to this
 * replica's registry at once.
 */
@Service
class AppRegistrations {
  private final AppRepository apps;
  private final Registry registry;
  private final CheckBackTargets targets;
  private final EventStore events;
  private final TransactionTemplate tx;

  AppRegistrations(
      AppRepository apps,
      Registry registry,
      CheckBackTargets targets,
      EventStore events,
      TransactionTemplate tx) {
    this.apps = apps;
    this.registry = registry;
    this.targets = targets;
    this.events = events;
    this.tx = tx;
  }

  /** Every app, sorted by id. */
  List<AppView> list() {
    return registry.apps().stream()
        .sorted(Comparator.comparing(AppInfo::id))
        .map(AppRegistrations::view)
        .toList();
  }

  /** One app. */
  AppView get(String id) {
    return registry.app(id).map(AppRegistrations::view).orElseThrow(() -> noApp(id));
  }

  /**
   * Sets the app's check-back URL (null or blank removes it) and, when given, its signing secret. A
   * refused URL is a 400 {@code validation-failed} naming the rule, and nothing changes.
   */
  AppView registerCheckBack(AppInfo admin, String id, CheckBackRegistration request) {
    String url;
    try {
      url = targets.registrable(request.url());
    } catch (CheckBackTargets.Refused refused) {
      throw RmsProblem.invalid(refused.getMessage());
    }
    String weakSecret = CheckBackSecrets.refusal(request.secret());
    if (weakSecret != null) {
      throw RmsProblem.invalid(weakSecret);
    }
    boolean newSecret = request.secret() != null && !request.secret().isBlank();
    tx.executeWithoutResult(
        s -> {
          App app = apps.findById(id).orElseThrow(() -> noApp(id));
          app.registerCheckBack(url, request.secret());
          apps.save(app);
          events.append(
              null,
              EventType.ADMIN,
              null,
              OperatorActions.actor(admin),
              Map.of(
                  "action",
                  "app.check-back",
                  "target",
                  id,
                  "result",
                  (url == null ? "URL removed" : "URL " + url)
                      + (newSecret ? ", new secret" : "")));
        });
    registry.refresh();
    return get(id);
  }

  /** The app as the admin API shows it: sorted lists, whether a secret is set, never the secret. */
  private static AppView view(AppInfo app) {
    return new AppView(
        app.id(),
        app.produces().stream().sorted().toList(),
        app.checkBackUrl(),
        app.checkBackSecret() != null && !app.checkBackSecret().isBlank(),
        app.roles().stream().sorted().toList(),
        app.active());
  }

  private static RmsProblem noApp(String id) {
    return new RmsProblem(io.rms.api.ErrorCode.NOT_FOUND, "no app " + id);
  }
}
