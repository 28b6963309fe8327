package io.rms.service.registry;

import io.rms.api.ErrorCode;
import io.rms.api.Limits;
import io.rms.service.config.RmsProperties;
import io.rms.service.problem.RmsProblem;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one place subscriptions are created and changed, for the admin API and the dashboard alike.
 * Each change is checked (a refusal is a 400 {@code validation-failed} naming the field, and saves
 * nothing), saved and audited in one transaction, then applied with {@link Registry#refresh()}:
 * this replica's API, dispatch and {@link QueueDeclarer} (which declares the queue of every active
 * subscription) see it at once, other replicas within their registry refresh interval ({@code
 * rms.registry.refresh}).
 */
@Service
public class SubscriptionChanges {
  /** The longest ack timeout and backoff delay a subscription may have. */
  static final Duration LONGEST = Duration.ofDays(7);

  /** The most attempts a subscription may allow. */
  static final int MOST_ATTEMPTS = 10_000;

  /** The largest backoff multiplier. */
  static final double LARGEST_MULTIPLIER = 100;

  /** The longest a push may take. */
  static final Duration LONGEST_PUSH = Duration.ofMinutes(5);

  /** The most pushes in flight per subscription. */
  static final int MOST_PUSHES_IN_FLIGHT = 256;

  /** The most pushes per second per subscription. */
  static final double FASTEST_PUSH_RATE = 10_000;

  /** Queue names: RabbitMQ's reserved {@code amq.} prefix is refused separately. */
  static final String QUEUE_PATTERN = "[A-Za-z0-9][A-Za-z0-9._:-]{0,199}";

  private final SubscriptionRepository subscriptions;
  private final AppRepository apps;
  private final Registry registry;
  private final TransactionTemplate tx;
  private final RegistryAudit audit;
  private final RmsProperties properties;
  private final JdbcTemplate jdbc;
  private final PushTargets pushTargets;

  SubscriptionChanges(
      SubscriptionRepository subscriptions,
      AppRepository apps,
      Registry registry,
      TransactionTemplate tx,
      RegistryAudit audit,
      RmsProperties properties,
      JdbcTemplate jdbc,
      PushTargets pushTargets) {
    this.subscriptions = subscriptions;
    this.apps = apps;
    this.registry = registry;
    this.tx = tx;
    this.audit = audit;
    this.properties = properties;
    this.jdbc = jdbc;
    this.pushTargets = pushTargets;
  }

  /** True when the subscription is declared in configuration (a restart re-applies it). */
  public boolean configured(String name) {
    return properties.subscriptions().stream().anyMatch(s -> name.equals(s.name()));
  }

  /** Creates a subscription; a name that exists is a 409 {@code already-exists}. */
  public SubscriptionInfo create(String actor, SubscriptionSettings settings) {
    String name = settings.name();
    if (name == null || !name.matches(Limits.SUBSCRIPTION_PATTERN)) {
      throw RmsProblem.invalid("name must match " + Limits.SUBSCRIPTION_PATTERN);
    }
    tx.executeWithoutResult(
        s -> {
          // creates of one name take turns, so the second sees the first's row (READ COMMITTED:
          // each statement reads what has committed) and is refused instead of merging into it
          jdbc.query(
              "select pg_advisory_xact_lock(hashtextextended('subscription:' || ?, 0))",
              rs -> {},
              name);
          if (subscriptions.existsById(name)) {
            throw new RmsProblem(
                ErrorCode.ALREADY_EXISTS, "subscription " + name + " already exists");
          }
          Subscription sub = new Subscription(name);
          apply(sub, settings);
          subscriptions.save(sub);
          audit.admin(actor, "subscription.create", name, "created");
        });
    return refreshed(name);
  }

  /**
   * Changes a subscription's settings: {@code change} gets its settings as stored now and answers
   * the new ones (their name is ignored). An unknown name is a 404.
   */
  public SubscriptionInfo update(
      String actor, String name, UnaryOperator<SubscriptionSettings> change) {
    tx.executeWithoutResult(
        s -> {
          Subscription sub = find(name);
          SubscriptionSettings before = SubscriptionSettings.of(SubscriptionInfo.of(sub));
          SubscriptionSettings after = change.apply(before);
          apply(sub, after);
          subscriptions.save(sub);
          audit.admin(
              actor,
              "subscription.update",
              name,
              changes(before, SubscriptionSettings.of(SubscriptionInfo.of(sub))));
        });
    return refreshed(name);
  }

  /**
   * Activates or deactivates a subscription (an inactive one gets no deliveries of newly confirmed
   * messages). Idempotent: the state it is in already answers it unchanged (and audited so).
   */
  public SubscriptionInfo setActive(String actor, String name, boolean active) {
    tx.executeWithoutResult(
        s -> {
          Subscription sub = find(name);
          boolean changed = sub.isActive() != active;
          if (changed) {
            sub.setActive(active);
            subscriptions.save(sub);
          }
          audit.admin(
              actor,
              active ? "subscription.activate" : "subscription.deactivate",
              name,
              changed ? "applied" : "unchanged: " + (active ? "active" : "inactive") + " already");
        });
    return refreshed(name);
  }

  /**
   * Pauses a subscription: its deliveries are still created, none is sent (docs/design.md §10).
   * Idempotent: a paused subscription stays paused as it was (by whom, since when) and the call is
   * audited as unchanged. {@code actor} is {@code system} when a push circuit paused it.
   */
  public SubscriptionInfo pause(String actor, String name, String reason) {
    String why = reason == null || reason.isBlank() ? "paused by " + actor : reason.trim();
    if (why.length() > 500) {
      throw RmsProblem.invalid("reason must be at most 500 characters");
    }
    tx.executeWithoutResult(
        s -> {
          find(name);
          int changed =
              jdbc.update(
                  "update subscription set paused_at = now(), paused_by = ?, pause_reason = ?,"
                      + " updated_at = now() where name = ? and paused_at is null",
                  actor,
                  why,
                  name);
          audit.admin(
              actor,
              "subscription.pause",
              name,
              changed == 1 ? "paused: " + why : "unchanged: paused already");
        });
    return refreshed(name);
  }

  /**
   * Resumes a paused subscription: its due deliveries are sent again by the next sweep, and the ack
   * clock of its published deliveries restarts (it stood still while paused, so no attempt is used
   * up by the pause). Idempotent like {@link #pause}.
   */
  public SubscriptionInfo resume(String actor, String name) {
    tx.executeWithoutResult(
        s -> {
          Subscription sub = find(name);
          int changed =
              jdbc.update(
                  "update subscription set paused_at = null, paused_by = null,"
                      + " pause_reason = null, updated_at = now()"
                      + " where name = ? and paused_at is not null",
                  name);
          if (changed == 1) {
            jdbc.update(
                "update delivery set ack_deadline = now() + ? * interval '1 millisecond',"
                    + " next_attempt_at = now() + ? * interval '1 millisecond'"
                    + " where subscription = ? and status = 'PUBLISHED'",
                sub.getAckTimeoutMs(),
                sub.getAckTimeoutMs(),
                name);
          }
          audit.admin(
              actor,
              "subscription.resume",
              name,
              changed == 1 ? "resumed" : "unchanged: not paused");
        });
    return refreshed(name);
  }

  private Subscription find(String name) {
    return subscriptions.findById(name).orElseThrow(() -> notFound(name));
  }

  /** The problem of an unknown subscription name. */
  public static RmsProblem notFound(String name) {
    return new RmsProblem(ErrorCode.NOT_FOUND, "no subscription " + name);
  }

  private SubscriptionInfo refreshed(String name) {
    registry.refresh();
    return registry.subscription(name).orElseThrow(() -> notFound(name));
  }

  private void apply(Subscription sub, SubscriptionSettings s) {
    if (s.topic() == null || !s.topic().matches(Limits.TOPIC_PATTERN)) {
      throw RmsProblem.invalid("topic must match " + Limits.TOPIC_PATTERN);
    }
    if (s.app() == null || !apps.existsById(s.app())) {
      throw RmsProblem.invalid("app: no app " + s.app());
    }
    within("ackTimeoutSeconds", s.ackTimeout(), Duration.ofSeconds(1));
    if (s.maxAttempts() < 1 || s.maxAttempts() > MOST_ATTEMPTS) {
      throw RmsProblem.invalid("maxAttempts must be between 1 and " + MOST_ATTEMPTS);
    }
    within("backoffInitialSeconds", s.backoffInitial(), Duration.ZERO);
    within("backoffMaxSeconds", s.backoffMax(), Duration.ZERO);
    if (!(s.backoffMultiplier() >= 1 && s.backoffMultiplier() <= LARGEST_MULTIPLIER)) {
      throw RmsProblem.invalid("backoffMultiplier must be between 1 and " + LARGEST_MULTIPLIER);
    }
    if (s.backoffMax().compareTo(s.backoffInitial()) < 0) {
      throw RmsProblem.invalid("backoffMaxSeconds must be at least backoffInitialSeconds");
    }
    DeliveryMode mode = s.mode() == null ? DeliveryMode.AMQP : s.mode();
    PushSettings push = mode == DeliveryMode.PUSH ? push(s.push()) : null;
    String queue = queue(sub.getName(), s.queue());
    sub.setTopic(s.topic());
    sub.setAppId(s.app());
    sub.setQueue(queue);
    sub.setAckTimeoutMs(s.ackTimeout().toMillis());
    sub.setMaxAttempts(s.maxAttempts());
    sub.setBackoffInitialMs(s.backoffInitial().toMillis());
    sub.setBackoffMultiplier(s.backoffMultiplier());
    sub.setBackoffMaxMs(s.backoffMax().toMillis());
    sub.setOrdered(s.ordered());
    sub.setActive(s.active());
    sub.setDelivery(mode, push);
  }

  /** A push subscription's settings, checked: the URL against {@link PushTargets}, the limits. */
  private PushSettings push(PushSettings p) {
    if (p == null || p.url() == null) {
      throw RmsProblem.invalid("push.url is required for delivery push");
    }
    URI url;
    try {
      url = pushTargets.register(p.url().toString());
    } catch (CheckBackTargets.Refused refused) {
      throw RmsProblem.invalid("push.url: " + refused.getMessage());
    }
    if (p.timeout() == null
        || p.timeout().compareTo(Duration.ofMillis(100)) < 0
        || p.timeout().compareTo(LONGEST_PUSH) > 0) {
      throw RmsProblem.invalid(
          "push.timeout must be between 0.1 and " + LONGEST_PUSH.toSeconds() + " seconds");
    }
    if (p.concurrency() < 1 || p.concurrency() > MOST_PUSHES_IN_FLIGHT) {
      throw RmsProblem.invalid("push.concurrency must be between 1 and " + MOST_PUSHES_IN_FLIGHT);
    }
    if (!(p.rate() > 0 && p.rate() <= FASTEST_PUSH_RATE)) {
      throw RmsProblem.invalid("push.rate must be above 0 and at most " + (long) FASTEST_PUSH_RATE);
    }
    within("push.pauseAfter", p.pauseAfter(), Duration.ofSeconds(1));
    return new PushSettings(url, p.timeout(), p.concurrency(), p.rate(), p.pauseAfter());
  }

  private static void within(String field, Duration value, Duration least) {
    if (value == null || value.compareTo(least) < 0 || value.compareTo(LONGEST) > 0) {
      throw RmsProblem.invalid(
          field + " must be between " + least.toSeconds() + " and " + LONGEST.toSeconds());
    }
  }

  /** The queue to use: the default for blank, else a valid name no other subscription uses. */
  private String queue(String name, String requested) {
    if (requested == null || requested.isBlank()) {
      return properties.broker().queuePrefix() + name;
    }
    String queue = requested.trim();
    if (!queue.matches(QUEUE_PATTERN) || queue.startsWith("amq.")) {
      throw RmsProblem.invalid(
          "queue must match " + QUEUE_PATTERN + " and not start with amq. (reserved)");
    }
    for (Subscription other : subscriptions.findAll()) {
      if (!other.getName().equals(name) && queue.equals(other.getQueue())) {
        throw RmsProblem.invalid("queue " + queue + " is the queue of " + other.getName());
      }
    }
    return queue;
  }

  /** The changed settings as the audit records them, e.g. {@code topic a → b}. */
  private static String changes(SubscriptionSettings before, SubscriptionSettings after) {
    List<String> changed = new ArrayList<>();
    diff(changed, "topic", before.topic(), after.topic());
    diff(changed, "app", before.app(), after.app());
    diff(changed, "queue", before.queue(), after.queue());
    diff(changed, "ackTimeout", before.ackTimeout(), after.ackTimeout());
    diff(changed, "maxAttempts", before.maxAttempts(), after.maxAttempts());
    diff(changed, "backoffInitial", before.backoffInitial(), after.backoffInitial());
    diff(changed, "backoffMultiplier", before.backoffMultiplier(), after.backoffMultiplier());
    diff(changed, "backoffMax", before.backoffMax(), after.backoffMax());
    diff(changed, "ordered", before.ordered(), after.ordered());
    diff(changed, "active", before.active(), after.active());
    diff(changed, "delivery", before.mode(), after.mode());
    diff(changed, "push", before.push(), after.push());
    return changed.isEmpty() ? "unchanged" : String.join(", ", changed);
  }

  private static void diff(List<String> changed, String field, Object before, Object after) {
    if (!Objects.equals(before, after)) {
      changed.add(field + " " + before + " → " + after);
    }
  }
}
