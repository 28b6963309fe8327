package io.rms.service.admin;

import io.rms.api.AuditEventPage;
import io.rms.api.DiscardRequest;
import io.rms.api.DiscardResult;
import io.rms.api.MessageView;
import io.rms.api.RedeliverRequest;
import io.rms.api.RedeliverResult;
import io.rms.api.ResolveRequest;
import io.rms.service.recovery.OperatorActions;
import io.rms.service.registry.AppInfo;
import jakarta.validation.Valid;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Operator actions (role OPERATOR or ADMIN, enforced for {@code /api/v1/admin/**}). */
@RestController
@RequestMapping("/api/v1/admin")
class OperatorController {
  private final OperatorActions actions;

  OperatorController(OperatorActions actions) {
    this.actions = actions;
  }

  @PostMapping("/messages/{id}/resolve")
  MessageView resolve(
      @AuthenticationPrincipal AppInfo operator,
      @PathVariable UUID id,
      @Valid @RequestBody ResolveRequest request) {
    return actions.resolve(operator, id, request.decision());
  }

  @PostMapping("/deliveries/redeliver")
  RedeliverResult redeliver(
      @AuthenticationPrincipal AppInfo operator, @RequestBody RedeliverRequest request) {
    return actions.redeliver(operator, request);
  }

  @PostMapping("/deliveries/discard")
  DiscardResult discard(
      @AuthenticationPrincipal AppInfo operator, @RequestBody DiscardRequest request) {
    return actions.discard(operator, request);
  }

  @GetMapping("/events")
  AuditEventPage events(
      @RequestParam(required = false) UUID messageId,
      @RequestParam(required = false) String type,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) Integer limit) {
    return actions.events(messageId, type, cursor, limit);
  }
}
