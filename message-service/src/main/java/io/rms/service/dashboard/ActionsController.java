package io.rms.service.dashboard;

import io.rms.api.Decision;
import io.rms.api.DeliveryStatus;
import io.rms.api.DiscardRequest;
import io.rms.api.DiscardResult;
import io.rms.api.Limits;
import io.rms.api.MessageView;
import io.rms.api.RedeliverRequest;
import io.rms.api.RedeliverResult;
import io.rms.service.problem.RmsProblem;
import io.rms.service.recovery.OperatorActions;
import io.rms.service.registry.SubscriptionChanges;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Operator actions (role OPERATOR, CSRF-protected forms behind confirmation dialogs). They go
 * through {@link OperatorActions}, which audits each with actor {@code user:<name>}; the outcome is
 * shown on the page the user came from.
 */
@Controller
@RequestMapping("/dashboard/actions")
class ActionsController {
  private final OperatorActions actions;
  private final SubscriptionChanges subscriptions;

  ActionsController(OperatorActions actions, SubscriptionChanges subscriptions) {
    this.actions = actions;
    this.subscriptions = subscriptions;
  }

  /** COMMIT or ROLLBACK a PREPARED or IN_DOUBT message (ROLLBACK of PREPARED is a cancel). */
  @PostMapping("/messages/{id}/resolve")
  String resolve(
      @PathVariable UUID id,
      @RequestParam Decision decision,
      Authentication user,
      RedirectAttributes flash) {
    return act(
        flash,
        "/dashboard/messages/" + id,
        () -> {
          MessageView after = actions.resolve(DashboardAudit.actor(user.getName()), id, decision);
          return (decision == Decision.COMMIT ? "Committed" : "Rolled back")
              + ": the message is now "
              + after.status()
              + ".";
        });
  }

  /** Publishes one delivery again. */
  @PostMapping("/messages/{id}/redeliver")
  String redeliver(
      @PathVariable UUID id,
      @RequestParam String subscription,
      Authentication user,
      RedirectAttributes flash) {
    return act(
        flash,
        "/dashboard/messages/" + id,
        () -> {
          RedeliverResult result =
              actions.redeliver(
                  DashboardAudit.actor(user.getName()),
                  new RedeliverRequest(id, subscription, null, null));
          return "Redelivering to "
              + subscription
              + " (attempt "
              + result.items().get(0).attempt()
              + ").";
        });
  }

  /** Gives up on one DEAD delivery (behind a confirm dialog). */
  @PostMapping("/messages/{id}/discard")
  String discard(
      @PathVariable UUID id,
      @RequestParam String subscription,
      Authentication user,
      RedirectAttributes flash) {
    return act(
        flash,
        "/dashboard/messages/" + id,
        () -> {
          DiscardResult result =
              actions.discard(
                  DashboardAudit.actor(user.getName()), DiscardRequest.one(id, subscription));
          return "Discarded the delivery to "
              + subscription
              + (result.released() > 0 ? "; the next message of its key is released." : ".");
        });
  }

  /** Publishes up to {@code limit} DEAD deliveries of a subscription again. */
  @PostMapping("/subscriptions/{name}/redeliver-dead")
  String redeliverDead(
      @PathVariable String name,
      @RequestParam(defaultValue = "100") int limit,
      Authentication user,
      RedirectAttributes flash) {
    return act(
        flash,
        "/dashboard",
        () -> {
          if (limit < 1 || limit > Limits.MAX_BATCH) {
            throw RmsProblem.invalid("limit must be 1 to " + Limits.MAX_BATCH);
          }
          RedeliverResult result =
              actions.redeliver(
                  DashboardAudit.actor(user.getName()),
                  new RedeliverRequest(null, name, DeliveryStatus.DEAD, limit));
          return result.items().isEmpty()
              ? "No DEAD deliveries of " + name + " were left to redeliver."
              : "Redelivering " + result.items().size() + " DEAD deliveries of " + name + ".";
        });
  }

  /** Pauses a subscription: its deliveries are collected, none is sent. */
  @PostMapping("/subscriptions/{name}/pause")
  String pause(@PathVariable String name, Authentication user, RedirectAttributes flash) {
    return act(
        flash,
        "/dashboard",
        () -> {
          subscriptions.pause(DashboardAudit.actor(user.getName()), name, null);
          return name + " is paused: its deliveries are collected and none is sent.";
        });
  }

  /** Resumes a paused subscription. */
  @PostMapping("/subscriptions/{name}/resume")
  String resume(@PathVariable String name, Authentication user, RedirectAttributes flash) {
    return act(
        flash,
        "/dashboard",
        () -> {
          subscriptions.resume(DashboardAudit.actor(user.getName()), name);
          return name + " is resumed: its collected deliveries are sent again.";
        });
  }

  /**
   * Runs the action and shows its notice, or "Not done" with the problem that refused it, on {@code
   * page}, where the user is sent back to.
   */
  private static String act(RedirectAttributes flash, String page, Supplier<String> action) {
    Flash.outcome(flash, "Not done: ", action);
    return "redirect:" + page;
  }
}
