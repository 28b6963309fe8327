package io.rms.service.admin;

import io.rms.api.ReplayRequest;
import io.rms.api.ReplayStarted;
import io.rms.api.ReplayView;
import io.rms.service.problem.RmsProblem;
import io.rms.service.recovery.OperatorActions;
import io.rms.service.registry.AppInfo;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionChanges;
import io.rms.service.registry.SubscriptionInfo;
import io.rms.service.replay.Replays;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Replays of a subscription (role OPERATOR or ADMIN, enforced by the security configuration): start
 * one (202; a dry run answers its count with 200) and list them with their progress.
 */
@RestController
@RequestMapping("/api/v1/admin/subscriptions/{name}")
class ReplayController {
  private final Registry registry;
  private final Replays replays;

  ReplayController(Registry registry, Replays replays) {
    this.registry = registry;
    this.replays = replays;
  }

  @PostMapping("/replay")
  ResponseEntity<ReplayStarted> replay(
      @AuthenticationPrincipal AppInfo operator,
      @PathVariable String name,
      @RequestBody(required = false) ReplayRequest request) {
    if (request == null) {
      throw RmsProblem.invalid("a body with from and to is required");
    }
    ReplayStarted started =
        replays.start(OperatorActions.actor(operator), subscription(name), request, Replays.REPLAY);
    return ResponseEntity.status(
            Boolean.TRUE.equals(request.dryRun()) ? HttpStatus.OK : HttpStatus.ACCEPTED)
        .body(started);
  }

  @GetMapping("/replays")
  List<ReplayView> replays(
      @PathVariable String name, @RequestParam(required = false) Integer limit) {
    return replays.list(subscription(name).name(), limit);
  }

  private SubscriptionInfo subscription(String name) {
    return registry.subscription(name).orElseThrow(() -> SubscriptionChanges.notFound(name));
  }
}
