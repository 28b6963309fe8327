package io.rms.service.admin;

import io.rms.api.AppView;
import io.rms.api.CheckBackRegistration;
import io.rms.service.registry.AppInfo;
import java.util.List;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The registry part of the admin API (role ADMIN, enforced for {@code /api/v1/admin/apps/**}). */
@RestController
@RequestMapping("/api/v1/admin/apps")
class AppAdminController {
  private final AppRegistrations registrations;

  AppAdminController(AppRegistrations registrations) {
    this.registrations = registrations;
  }

  @GetMapping
  List<AppView> apps() {
    return registrations.list();
  }

  @GetMapping("/{id}")
  AppView app(@PathVariable String id) {
    return registrations.get(id);
  }

  @PutMapping("/{id}/check-back")
  AppView checkBack(
      @AuthenticationPrincipal AppInfo admin,
      @PathVariable String id,
      @RequestBody CheckBackRegistration request) {
    return registrations.registerCheckBack(admin, id, request);
  }
}
