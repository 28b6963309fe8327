package io.rms.service.admin;

import io.rms.api.HeldKeys;
import io.rms.api.PauseRequest;
import io.rms.api.SubscriptionRequest;
import io.rms.api.SubscriptionView;
import io.rms.service.message.HeldKeyQueries;
import io.rms.service.recovery.OperatorActions;
import io.rms.service.registry.AppInfo;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionChanges;
import io.rms.service.registry.SubscriptionInfo;
import java.net.URI;
import java.util.Comparator;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Subscriptions in the admin API: list, read, create, change, activate and deactivate (role ADMIN),
 * and pause, resume and the held keys of one (role OPERATOR or ADMIN); the roles are enforced by
 * the security configuration. Changes go through {@link SubscriptionChanges}, as the dashboard's
 * do.
 */
@RestController
@RequestMapping("/api/v1/admin/subscriptions")
class SubscriptionAdminController {
  private final Registry registry;
  private final SubscriptionChanges changes;
  private final HeldKeyQueries heldKeys;

  SubscriptionAdminController(
      Registry registry, SubscriptionChanges changes, HeldKeyQueries heldKeys) {
    this.registry = registry;
    this.changes = changes;
    this.heldKeys = heldKeys;
  }

  @GetMapping
  List<SubscriptionView> subscriptions() {
    return registry.subscriptions().stream()
        .sorted(Comparator.comparing(SubscriptionInfo::name))
        .map(this::view)
        .toList();
  }

  @GetMapping("/{name}")
  SubscriptionView subscription(@PathVariable String name) {
    return view(registry.subscription(name).orElseThrow(() -> SubscriptionChanges.notFound(name)));
  }

  @PostMapping
  ResponseEntity<SubscriptionView> create(
      @AuthenticationPrincipal AppInfo admin, @RequestBody SubscriptionRequest request) {
    SubscriptionView created =
        view(changes.create(OperatorActions.actor(admin), SubscriptionRequests.create(request)));
    return ResponseEntity.created(URI.create("/api/v1/admin/subscriptions/" + created.name()))
        .body(created);
  }

  @PatchMapping("/{name}")
  SubscriptionView change(
      @AuthenticationPrincipal AppInfo admin,
      @PathVariable String name,
      @RequestBody SubscriptionRequest request) {
    return view(
        changes.update(
            OperatorActions.actor(admin),
            name,
            current -> SubscriptionRequests.change(name, request, current)));
  }

  @PostMapping("/{name}/activate")
  SubscriptionView activate(@AuthenticationPrincipal AppInfo admin, @PathVariable String name) {
    return view(changes.setActive(OperatorActions.actor(admin), name, true));
  }

  @PostMapping("/{name}/deactivate")
  SubscriptionView deactivate(@AuthenticationPrincipal AppInfo admin, @PathVariable String name) {
    return view(changes.setActive(OperatorActions.actor(admin), name, false));
  }

  @PostMapping("/{name}/pause")
  SubscriptionView pause(
      @AuthenticationPrincipal AppInfo operator,
      @PathVariable String name,
      @RequestBody(required = false) PauseRequest request) {
    return view(
        changes.pause(
            OperatorActions.actor(operator), name, request == null ? null : request.reason()));
  }

  @PostMapping("/{name}/resume")
  SubscriptionView resume(@AuthenticationPrincipal AppInfo operator, @PathVariable String name) {
    return view(changes.resume(OperatorActions.actor(operator), name));
  }

  @GetMapping("/{name}/held-keys")
  HeldKeys heldKeys(@PathVariable String name, @RequestParam(required = false) Integer limit) {
    return heldKeys.heldKeys(name, limit);
  }

  private SubscriptionView view(SubscriptionInfo s) {
    return SubscriptionRequests.view(s, changes.configured(s.name()));
  }
}
