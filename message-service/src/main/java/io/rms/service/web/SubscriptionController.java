package io.rms.service.web;

import io.rms.api.AckResult;
import io.rms.api.MessageIdsRequest;
import io.rms.api.NackRequest;
import io.rms.api.NackResult;
import io.rms.api.StatsView;
import io.rms.service.message.AckCommands;
import io.rms.service.message.MessageQueries;
import io.rms.service.registry.AppInfo;
import jakarta.validation.Valid;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The consumer's calls (acks, nacks) and the stats of the calling app. */
@RestController
class SubscriptionController {
  private final AckCommands acks;
  private final MessageQueries queries;

  SubscriptionController(AckCommands acks, MessageQueries queries) {
    this.acks = acks;
    this.queries = queries;
  }

  @PostMapping("/api/v1/subscriptions/{name}/acks")
  AckResult ack(
      @AuthenticationPrincipal AppInfo app,
      @PathVariable String name,
      @Valid @RequestBody MessageIdsRequest request) {
    return acks.ack(app, name, request.messageIds());
  }

  @PostMapping("/api/v1/subscriptions/{name}/nacks")
  NackResult nack(
      @AuthenticationPrincipal AppInfo app,
      @PathVariable String name,
      @Valid @RequestBody NackRequest request) {
    return acks.nack(app, name, request);
  }

  @GetMapping("/api/v1/stats")
  StatsView stats(@AuthenticationPrincipal AppInfo app) {
    return queries.stats(app);
  }
}
