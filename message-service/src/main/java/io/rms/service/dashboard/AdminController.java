package io.rms.service.dashboard;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.rms.service.dashboard.RegistryAdmin.AppForm;
import io.rms.service.dashboard.users.DashboardUsers;
import io.rms.service.dashboard.users.Role;
import io.rms.service.problem.RmsProblem;
import io.rms.service.registry.AppInfo;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionChanges;
import io.rms.service.registry.SubscriptionInfo;
import java.util.Comparator;
import java.util.List;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Admin pages (role ADMIN): apps and their keys, subscriptions, dashboard users. */
@Controller
@RequestMapping("/dashboard/admin")
class AdminController {
  private final Registry registry;
  private final RegistryAdmin admin;
  private final SubscriptionChanges subscriptionChanges;
  private final DashboardQueries queries;
  private final CircuitBreakerRegistry breakers;
  private final DashboardUsers users;
  private final DashboardAudit audit;

  AdminController(
      Registry registry,
      RegistryAdmin admin,
      SubscriptionChanges subscriptionChanges,
      DashboardQueries queries,
      CircuitBreakerRegistry breakers,
      DashboardUsers users,
      DashboardAudit audit) {
    this.registry = registry;
    this.admin = admin;
    this.subscriptionChanges = subscriptionChanges;
    this.queries = queries;
    this.breakers = breakers;
    this.users = users;
    this.audit = audit;
  }

  /** An app as listed: its registry view, its check-back breaker's state, where it comes from. */
  record AppRow(AppInfo app, String breaker, boolean configured) {}

  private String breaker(AppInfo app) {
    if (app.checkBackUrl() == null || app.checkBackUrl().isBlank()) {
      return null;
    }
    return breakers.find(app.id()).map(CircuitBreaker::getState).map(Enum::name).orElse("CLOSED");
  }

  // ---- apps ------------------------------------------------------------------------------------

  @GetMapping("/apps")
  String apps(Model model) {
    model.addAttribute(
        "apps",
        registry.apps().stream()
            .sorted(Comparator.comparing(AppInfo::id))
            .map(a -> new AppRow(a, breaker(a), admin.configuredApp(a.id())))
            .toList());
    return "dashboard/apps";
  }

  @GetMapping("/apps/new")
  String newApp(Model model) {
    model.addAttribute("app", null);
    model.addAttribute("form", new AppForm("", "", "", "", List.of(), true));
    return "dashboard/app";
  }

  @GetMapping("/apps/{id}")
  String app(@PathVariable String id, Model model) {
    AppInfo app = registry.app(id).orElseThrow(() -> RmsProblem.notFound(id));
    model.addAttribute("app", new AppRow(app, breaker(app), admin.configuredApp(id)));
    model.addAttribute(
        "form",
        new AppForm(
            app.id(),
            String.join(", ", app.produces().stream().sorted().toList()),
            app.checkBackUrl(),
            "",
            List.copyOf(app.roles()),
            app.active()));
    model.addAttribute("checkBacks", queries.recentCheckBacks(id, 10));
    return "dashboard/app";
  }

  @PostMapping("/apps")
  String createApp(
      @RequestParam String id,
      @RequestParam(defaultValue = "") String produces,
      @RequestParam(defaultValue = "") String checkBackUrl,
      @RequestParam(defaultValue = "") String checkBackSecret,
      @RequestParam(required = false) List<String> roles,
      Authentication user,
      RedirectAttributes flash) {
    AppForm form = new AppForm(id.trim(), produces, checkBackUrl, checkBackSecret, roles, true);
    boolean created =
        Flash.outcome(
            flash,
            () -> {
              flash.addFlashAttribute("newKey", admin.createApp(user.getName(), form));
              return "App " + form.id() + " created.";
            });
    return created
        ? "redirect:/dashboard/admin/apps/" + form.id()
        : "redirect:/dashboard/admin/apps/new";
  }

  @PostMapping("/apps/{id}")
  String updateApp(
      @PathVariable String id,
      @RequestParam(defaultValue = "") String produces,
      @RequestParam(defaultValue = "") String checkBackUrl,
      @RequestParam(defaultValue = "") String checkBackSecret,
      @RequestParam(required = false) List<String> roles,
      @RequestParam(defaultValue = "false") boolean active,
      Authentication user,
      RedirectAttributes flash) {
    Flash.outcome(
        flash,
        () -> {
          admin.updateApp(
              user.getName(),
              new AppForm(id, produces, checkBackUrl, checkBackSecret, roles, active));
          return "Saved " + id + ".";
        });
    return "redirect:/dashboard/admin/apps/" + id;
  }

  @PostMapping("/apps/{id}/active")
  String appActive(
      @PathVariable String id,
      @RequestParam boolean active,
      Authentication user,
      RedirectAttributes flash) {
    admin.setAppActive(user.getName(), id, active);
    flash.addFlashAttribute("notice", id + (active ? " is active again." : " is deactivated."));
    return "redirect:/dashboard/admin/apps";
  }

  @PostMapping("/apps/{id}/rotate-key")
  String rotateKey(@PathVariable String id, Authentication user, RedirectAttributes flash) {
    flash.addFlashAttribute("newKey", admin.rotateKey(user.getName(), id));
    flash.addFlashAttribute("notice", "New API key for " + id + "; the old keys no longer work.");
    return "redirect:/dashboard/admin/apps/" + id;
  }

  // ---- subscriptions ---------------------------------------------------------------------------

  @GetMapping("/subscriptions")
  String subscriptions(Model model) {
    model.addAttribute(
        "subscriptions",
        registry.subscriptions().stream()
            .sorted(Comparator.comparing(SubscriptionInfo::name))
            .toList());
    model.addAttribute(
        "configured",
        registry.subscriptions().stream()
            .filter(s -> subscriptionChanges.configured(s.name()))
            .map(SubscriptionInfo::name)
            .toList());
    return "dashboard/subscriptions";
  }

  @GetMapping("/subscriptions/new")
  String newSubscription(Model model) {
    model.addAttribute("sub", null);
    model.addAttribute("form", SubscriptionForm.empty());
    model.addAttribute("appIds", appIds());
    return "dashboard/subscription";
  }

  @GetMapping("/subscriptions/{name}")
  String subscription(@PathVariable String name, Model model) {
    SubscriptionInfo s = registry.subscription(name).orElseThrow(() -> RmsProblem.notFound(name));
    model.addAttribute("sub", s);
    model.addAttribute("configured", subscriptionChanges.configured(name));
    model.addAttribute("form", SubscriptionForm.of(s));
    model.addAttribute("appIds", appIds());
    return "dashboard/subscription";
  }

  private List<String> appIds() {
    return registry.apps().stream().map(AppInfo::id).sorted().toList();
  }

  @PostMapping({"/subscriptions", "/subscriptions/{existing}"})
  String saveSubscription(
      @PathVariable(required = false) String existing,
      @RequestParam(required = false) String name,
      @RequestParam String topic,
      @RequestParam String app,
      @RequestParam(defaultValue = "") String queue,
      @RequestParam(defaultValue = "60") long ackTimeoutSeconds,
      @RequestParam(defaultValue = "10") int maxAttempts,
      @RequestParam(defaultValue = "5") long backoffInitialSeconds,
      @RequestParam(defaultValue = "2.0") double backoffMultiplier,
      @RequestParam(defaultValue = "600") long backoffMaxSeconds,
      @RequestParam(defaultValue = "false") boolean ordered,
      @RequestParam(defaultValue = "false") boolean active,
      Authentication user,
      RedirectAttributes flash) {
    String target = existing != null ? existing : name == null ? "" : name.trim();
    SubscriptionForm form =
        new SubscriptionForm(
            target,
            topic.trim(),
            app,
            queue,
            ackTimeoutSeconds,
            maxAttempts,
            backoffInitialSeconds,
            backoffMultiplier,
            backoffMaxSeconds,
            ordered,
            existing == null || active);
    boolean saved =
        Flash.outcome(
            flash,
            () -> {
              String actor = DashboardAudit.actor(user.getName());
              if (existing == null) {
                subscriptionChanges.create(actor, form.settings(null));
                return "Subscription " + target + " created.";
              }
              subscriptionChanges.update(actor, existing, form::settings);
              return "Saved " + target + ".";
            });
    if (saved) {
      return "redirect:/dashboard/admin/subscriptions/" + target;
    }
    return existing == null
        ? "redirect:/dashboard/admin/subscriptions/new"
        : "redirect:/dashboard/admin/subscriptions/" + existing;
  }

  @PostMapping("/subscriptions/{name}/active")
  String subscriptionActive(
      @PathVariable String name,
      @RequestParam boolean active,
      Authentication user,
      RedirectAttributes flash) {
    subscriptionChanges.setActive(DashboardAudit.actor(user.getName()), name, active);
    flash.addFlashAttribute("notice", name + (active ? " is active again." : " is deactivated."));
    return "redirect:/dashboard/admin/subscriptions";
  }

  // ---- users -----------------------------------------------------------------------------------

  @GetMapping("/users")
  String users(Model model) {
    model.addAttribute("users", users.list());
    model.addAttribute("roles", Role.values());
    return "dashboard/users";
  }

  @PostMapping("/users")
  String createUser(
      @RequestParam String username,
      @RequestParam String password,
      @RequestParam Role role,
      Authentication user,
      RedirectAttributes flash) {
    Flash.outcome(
        flash,
        () -> {
          users.create(username.trim(), password, role);
          audit.admin(user.getName(), "user.create", username.trim(), role.name());
          return "User " + username.trim() + " created as " + role + ".";
        });
    return "redirect:/dashboard/admin/users";
  }

  @PostMapping("/users/{username}")
  String updateUser(
      @PathVariable String username,
      @RequestParam Role role,
      @RequestParam(defaultValue = "false") boolean active,
      @RequestParam(defaultValue = "") String password,
      Authentication user,
      RedirectAttributes flash) {
    Flash.outcome(
        flash,
        () -> {
          if (username.equals(user.getName()) && (role != Role.ADMIN || !active)) {
            throw RmsProblem.invalid("you cannot demote or deactivate yourself");
          }
          users.update(username, role, active);
          if (!password.isEmpty()) {
            users.resetPassword(username, password);
          }
          audit.admin(
              user.getName(),
              "user.update",
              username,
              role + (active ? "" : ", inactive") + (password.isEmpty() ? "" : ", new password"));
          return "Saved " + username + ".";
        });
    return "redirect:/dashboard/admin/users";
  }
}
