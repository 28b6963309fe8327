package io.rms.service.pull;

import io.rms.api.PullRequest;
import io.rms.api.PullResult;
import io.rms.service.registry.AppInfo;
import io.rms.service.registry.SubscriptionInfo;
import jakarta.validation.Valid;
import java.time.Duration;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * {@code POST /api/v1/subscriptions/{name}/pull}: leases what is due at once; with nothing due and
 * a {@code waitSeconds}, the request waits as a {@link PullWaiters} long poll (the servlet thread
 * goes back to the pool) until deliveries come or the wait ends with an empty list.
 */
@RestController
class PullController {
  private final PullCommands commands;
  private final PullWaiters waiters;

  PullController(PullCommands commands, PullWaiters waiters) {
    this.commands = commands;
    this.waiters = waiters;
  }

  @PostMapping("/api/v1/subscriptions/{name}/pull")
  DeferredResult<PullResult> pull(
      @AuthenticationPrincipal AppInfo app,
      @PathVariable String name,
      @Valid @RequestBody PullRequest request) {
    SubscriptionInfo sub = commands.pullable(app, name);
    int max = request.maxOrDefault();
    Duration lease = Duration.ofSeconds(request.leaseSecondsOrDefault());
    PullResult now = commands.lease(sub.name(), max, lease);
    if (!now.deliveries().isEmpty() || request.waitSecondsOrDefault() == 0) {
      DeferredResult<PullResult> answered = new DeferredResult<>();
      answered.setResult(now);
      return answered;
    }
    return waiters.await(
        sub.name(), max, lease, Duration.ofSeconds(request.waitSecondsOrDefault()));
  }
}
