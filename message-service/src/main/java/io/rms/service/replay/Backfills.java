package io.rms.service.replay;

import io.rms.api.ReplayRequest;
import io.rms.service.config.RmsProperties;
import io.rms.service.message.EventStore;
import io.rms.service.problem.RmsProblem;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionInfo;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Starts the backfill of every subscription that has a {@code backfillFrom} (admin API, dashboard
 * or {@code rms.subscriptions[].backfill-from}) and none yet: a replay of kind {@code BACKFILL}
 * with the id {@code backfill:<name>}, of the topic's messages confirmed from {@code backfillFrom}
 * (or the retention horizon, if that is later) up to the subscription's creation; those confirmed
 * afterwards are its live flow. It runs whenever this replica's registry changed, so a new
 * subscription's backfill starts at once on the replica that created it and within a registry
 * refresh elsewhere; the id makes the start idempotent across replicas and restarts. An inactive
 * subscription's backfill starts when it is activated.
 */
@Component
class Backfills {
  private static final Logger log = LoggerFactory.getLogger(Backfills.class);

  private final Replays replays;
  private final Registry registry;
  private final JdbcTemplate jdbc;
  private final TransactionTemplate separate;
  private final java.time.Duration retention;

  Backfills(
      Replays replays,
      Registry registry,
      JdbcTemplate jdbc,
      PlatformTransactionManager transactions,
      RmsProperties rms) {
    this.replays = replays;
    this.registry = registry;
    this.jdbc = jdbc;
    this.separate = new TransactionTemplate(transactions);
    this.separate.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.retention = rms.retention();
  }

  /** The id of a subscription's backfill. */
  static String id(String subscription) {
    return "backfill:" + subscription;
  }

  @TransactionalEventListener(fallbackExecution = true)
  void registryChanged(Registry.RegistryChanged changed) {
    startMissing();
  }

  /** Starts the backfills that are due and not started; returns how many it started. */
  int startMissing() {
    List<SubscriptionInfo> wanting =
        registry.subscriptions().stream()
            .filter(s -> s.backfillFrom() != null && s.active())
            .toList();
    if (wanting.isEmpty()) {
      return 0;
    }
    List<String> started =
        jdbc.queryForList(
            "select id from replay where id = any(?::text[])",
            String.class,
            (Object) wanting.stream().map(s -> id(s.name())).toArray(String[]::new));
    int n = 0;
    for (SubscriptionInfo s : wanting) {
      if (!started.contains(id(s.name())) && start(s)) {
        n++;
      }
    }
    return n;
  }

  private boolean start(SubscriptionInfo s) {
    Timestamp created =
        jdbc.queryForObject(
            "select created_at from subscription where name = ?", Timestamp.class, s.name());
    Timestamp horizon =
        jdbc.queryForObject(
            "select now() - ? * interval '1 millisecond' + interval '1 minute'",
            Timestamp.class,
            retention.toMillis());
    if (created == null || horizon == null) {
      return false;
    }
    Instant from =
        s.backfillFrom().isAfter(horizon.toInstant()) ? s.backfillFrom() : horizon.toInstant();
    Instant to = created.toInstant();
    if (!from.isBefore(to)) {
      return false; // no history before the subscription's creation to backfill
    }
    try {
      separate.executeWithoutResult(
          status ->
              replays.start(
                  EventStore.SYSTEM,
                  s,
                  new ReplayRequest(from, to, id(s.name()), null, null, null, null),
                  Replays.BACKFILL));
      log.info("backfill of {} started: messages confirmed from {} to {}", s.name(), from, to);
      return true;
    } catch (RmsProblem refused) {
      // a replay running there, or a race with another replica: the next change tries again
      log.info("backfill of {} not started now: {}", s.name(), refused.getMessage());
      return false;
    }
  }
}
