package io.rms.service.message;

import io.rms.service.message.OrderedKeys.Key;
import io.rms.service.registry.Registry;
import io.rms.service.registry.SubscriptionInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The transaction-scoped advisory locks of ordering keys, under one discipline that cannot deadlock
 * (docs/design.md §5.1, "Lock discipline"):
 *
 * <ol>
 *   <li>A transaction <b>claims</b> every key it may need in one statement ({@link #claim}), in
 *       hash order, before any statement of it takes a row lock. Waiting for a key, it holds only
 *       keys of smaller hash and no row lock.
 *   <li>Afterwards it only <b>re-enters</b> keys it holds ({@link #lock}: no statement at all) and
 *       never waits for another key: a key outside its claim is only tried ({@code
 *       pg_try_advisory_xact_lock}); if another transaction holds it, {@link
 *       KeyNotClaimedException} rolls the transaction back, and its retry claims that key too.
 * </ol>
 *
 * So a wait for a key never closes a cycle: a transaction waiting for a key holds no row lock (no
 * row waiter waits for it) and only smaller keys (no key waiter of a smaller key waits for it).
 */
@Component
public class KeyLocks {
  /**
   * The one SQL expression a key's lock is taken on; every statement that locks keys uses it, so a
   * key means the same lock wherever it is taken.
   */
  private static final String KEY_LOCK = "hashtextextended(topic || E'\\n' || ordering_key, 0)";

  private final JdbcTemplate jdbc;
  private final Registry registry;

  KeyLocks(JdbcTemplate jdbc, Registry registry) {
    this.jdbc = jdbc;
    this.registry = registry;
  }

  /**
   * What a transaction claims: explicit keys (of messages it prepares or sends) and the keys of
   * messages it changes by id (those with a place in a key, whatever their topic's subscriptions
   * are by now: after a topic change the old topic's keys still move on the moved subscription).
   */
  public record Claim(Set<Key> keys, Set<UUID> messages) {
    public static final Claim NONE = new Claim(Set.of(), Set.of());

    public static Claim ofKey(Key key) {
      return new Claim(Set.of(key), Set.of());
    }

    public static Claim ofMessages(Collection<UUID> ids) {
      return new Claim(Set.of(), Set.copyOf(ids));
    }

    /** Both claims together. */
    public Claim plus(Claim other) {
      if (other.isEmpty()) {
        return this;
      }
      if (isEmpty()) {
        return other;
      }
      Set<Key> k = new HashSet<>(keys);
      k.addAll(other.keys);
      Set<UUID> m = new HashSet<>(messages);
      m.addAll(other.messages);
      return new Claim(k, m);
    }

    boolean isEmpty() {
      return keys.isEmpty() && messages.isEmpty();
    }
  }

  /** The keys a claim locked, and the key of each claimed message that has one. */
  public record Held(Set<Key> keys, Map<UUID, Key> byMessage) {
    /** The keys of these messages (those that have one). */
    public List<Key> keysOf(Collection<UUID> ids) {
      List<Key> out = new ArrayList<>();
      for (UUID id : ids) {
        Key k = byMessage.get(id);
        if (k != null) {
          out.add(k);
        }
      }
      return out;
    }
  }

  /**
   * Takes every key of the claim in one statement, in hash order; must come before the
   * transaction's first row lock, and at most once per transaction.
   *
   * @throws IllegalStateException outside a transaction, or when this transaction locked keys
   *     already (a second claim could wait while holding keys: a deadlock)
   */
  public Held claim(Claim claim) {
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      throw new IllegalStateException("ordering keys are locked inside a transaction only");
    }
    if (TransactionSynchronizationManager.hasResource(this)) {
      throw new IllegalStateException("this transaction claimed its ordering keys already");
    }
    Held held = new Held(new HashSet<>(), new HashMap<>());
    TransactionSynchronizationManager.bindResource(this, held);
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(KeyLocks.this);
          }
        });
    if (claim.isEmpty() || (claim.keys().isEmpty() && !anyOrderedSubscription())) {
      // with no ordered subscription known here, the confirms and cancels of a group commit have
      // no key to claim: no statement on the hot path. Should this registry be stale, a key
      // the transaction meets later is only tried (lock), so the discipline holds all the same
      return held;
    }
    jdbc.query(
        """
        select s.message_id, s.topic, s.ordering_key, pg_advisory_xact_lock(s.k)
          from (select message_id, topic, ordering_key, %s as k
                  from (select null::uuid as message_id, topic, ordering_key
                          from unnest(?::text[], ?::text[]) as t(topic, ordering_key)
                        union all
                        select id, topic, ordering_key from message
                         where id = any(?::uuid[]) and order_seq is not null) u
                 order by k) s
        """
            .formatted(KEY_LOCK),
        rs -> {
          Key key = new Key(rs.getString("topic"), rs.getString("ordering_key"));
          held.keys().add(key);
          UUID id = rs.getObject("message_id", UUID.class);
          if (id != null) {
            held.byMessage().put(id, key);
          }
        },
        claim.keys().stream().map(Key::topic).toArray(String[]::new),
        claim.keys().stream().map(Key::orderingKey).toArray(String[]::new),
        claim.messages().toArray(UUID[]::new));
    return held;
  }

  /**
   * Makes sure the transaction holds these keys: a key it claimed needs nothing; any other is only
   * tried, never waited for. A transaction that claimed nothing yet claims them now (the same rule
   * applies: before its first row lock).
   *
   * @throws KeyNotClaimedException when another transaction holds a key this one did not claim
   */
  void lock(Collection<Key> keys) {
    if (keys.isEmpty()) {
      return;
    }
    Held held = (Held) TransactionSynchronizationManager.getResource(this);
    if (held == null) {
      claim(new Claim(Set.copyOf(keys), Set.of()));
      return;
    }
    List<Key> missing = keys.stream().filter(k -> !held.keys().contains(k)).distinct().toList();
    if (missing.isEmpty()) {
      return;
    }
    Set<Key> taken = new HashSet<>();
    jdbc.query(
        """
        select topic, ordering_key, pg_try_advisory_xact_lock(%s) as taken
          from unnest(?::text[], ?::text[]) as t(topic, ordering_key)
        """
            .formatted(KEY_LOCK),
        rs -> {
          if (rs.getBoolean("taken")) {
            taken.add(new Key(rs.getString("topic"), rs.getString("ordering_key")));
          }
        },
        missing.stream().map(Key::topic).toArray(String[]::new),
        missing.stream().map(Key::orderingKey).toArray(String[]::new));
    held.keys().addAll(taken);
    if (taken.size() < missing.size()) {
      Set<Key> busy = new HashSet<>(missing);
      busy.removeAll(taken);
      throw new KeyNotClaimedException(busy);
    }
  }

  private boolean anyOrderedSubscription() {
    return registry.subscriptions().stream().anyMatch(SubscriptionInfo::ordered);
  }
}
