package io.rms.service.admin;

import io.rms.api.PushSecrets;
import io.rms.service.push.PushSecretRotation;
import io.rms.service.recovery.OperatorActions;
import io.rms.service.registry.AppInfo;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The signing secrets of a push subscription in the admin API (role ADMIN, like every subscription
 * change): rotate (a new secret, answered once, the previous one stays valid) and retire (only the
 * newest stays valid). Audited.
 */
@RestController
@RequestMapping("/api/v1/admin/subscriptions/{name}/push-secrets")
class PushSecretAdminController {
  private final PushSecretRotation secrets;

  PushSecretAdminController(PushSecretRotation secrets) {
    this.secrets = secrets;
  }

  @PostMapping("/rotate")
  PushSecrets rotate(@AuthenticationPrincipal AppInfo admin, @PathVariable String name) {
    PushSecretRotation.Rotated rotated = secrets.rotate(OperatorActions.actor(admin), name);
    return new PushSecrets(name, rotated.secret(), rotated.validSecrets());
  }

  @PostMapping("/retire")
  PushSecrets retire(@AuthenticationPrincipal AppInfo admin, @PathVariable String name) {
    return new PushSecrets(name, null, secrets.retire(OperatorActions.actor(admin), name));
  }
}
