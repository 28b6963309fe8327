package io.rms.service.pull;

import io.rms.api.ErrorCode;
import io.rms.api.PullResult;
import io.rms.api.PulledDelivery;
import io.rms.service.message.MessageStore;
import io.rms.service.message.MessageViews;
import io.rms.service.message.PullLeases;
import io.rms.service.message.PullLeases.Leased;
import io.rms.service.message.StoredMessage;
import io.rms.service.metrics.PullMetrics;
import io.rms.service.problem.RmsProblem;
import io.rms.service.registry.AppInfo;
import io.rms.service.registry.DeliveryMode;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * A pull consumer's lease: which subscription it may pull (its own, of mode {@code pull}) and the
 * leased deliveries with their messages. Each lease is one statement ({@link PullLeases#lease}) and
 * one read of the messages, in no transaction of their own: the lease commits alone.
 */
@Service
public class PullCommands {
  private final Registry registry;
  private final PullLeases leases;
  private final MessageStore messages;
  private final MessageViews views;
  private final PullMetrics metrics;

  PullCommands(
      Registry registry,
      PullLeases leases,
      MessageStore messages,
      MessageViews views,
      PullMetrics metrics) {
    this.registry = registry;
    this.leases = leases;
    this.messages = messages;
    this.views = views;
    this.metrics = metrics;
  }

  /** The caller's pull subscription; refuses another app's (403) or another mode's (409). */
  public SubscriptionInfo pullable(AppInfo app, String name) {
    SubscriptionInfo sub =
        registry
            .subscription(name)
            .orElseThrow(() -> new RmsProblem(ErrorCode.NOT_FOUND, "no subscription " + name));
    if (!sub.app().equals(app.id())) {
      throw new RmsProblem(ErrorCode.FORBIDDEN, "subscription " + name + " belongs to another app");
    }
    if (sub.mode() != DeliveryMode.PULL) {
      throw new RmsProblem(
          ErrorCode.WRONG_DELIVERY_MODE,
          "subscription " + name + " delivers by " + sub.mode().json() + ", not by pull");
    }
    return sub;
  }

  /**
   * Leases up to {@code max} due deliveries of the subscription for {@code lease}; none while the
   * subscription is paused or inactive (the registry of this replica decides).
   */
  public PullResult lease(String subscription, int max, Duration lease) {
    SubscriptionInfo sub = registry.subscription(subscription).orElse(null);
    if (sub == null || !sub.active() || sub.paused() || sub.mode() != DeliveryMode.PULL) {
      return PullResult.EMPTY;
    }
    return deliveries(sub, leases.lease(subscription, max, lease));
  }

  /** Gives back leases no caller received. */
  void giveBack(String subscription, PullResult result) {
    leases.giveBack(
        subscription,
        result.deliveries().stream()
            .map(d -> new Leased(d.messageId(), d.attempt(), d.leaseExpiresAt()))
            .toList());
  }

  private PullResult deliveries(SubscriptionInfo sub, List<Leased> leased) {
    if (leased.isEmpty()) {
      return PullResult.EMPTY;
    }
    String subscription = sub.name();
    metrics.leased(subscription, leased.size());
    Map<java.util.UUID, StoredMessage> found =
        messages.findAll(leased.stream().map(Leased::messageId).toList());
    List<PulledDelivery> out = new ArrayList<>(leased.size());
    for (Leased l : leased) {
      StoredMessage m = found.get(l.messageId());
      if (m != null) { // a delivery's message is deleted only with it (retention): never absent
        out.add(
            new PulledDelivery(
                l.messageId(),
                subscription,
                l.attempt(),
                l.leaseExpiresAt(),
                sub.ordered() ? m.orderSeq() : null,
                views.summary(m)));
      }
    }
    return new PullResult(out);
  }
}
